#pragma once
// Runs vhdx-inspector (or another program) as a user would, with no display, and hands back
// exit code, stdout, stderr and the parsed JSON report.
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace vhdx::test {

struct RunResult {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
    [[nodiscard]] const QJsonObject
    json() const; // const: operator[] gives values // stdout parsed; empty object if not JSON
};

// vhdx-inspector with args, QT_QPA_PLATFORM and DISPLAY removed from the environment.
[[nodiscard]] RunResult runInspector(const QStringList& args, int timeoutMs = 120000);
[[nodiscard]] RunResult runProgram(const QString& program, const QStringList& args,
                                   int timeoutMs = 120000);
[[nodiscard]] QString inspectorPath();

// The kill tests' runner: vhdx-inspector with args under strace, held (30 s) at the nth call
// of syscall, is SIGKILLed (no handler runs) as soon as ready() holds (polled every 20 ms
// for at most 10 s) and a moment more, then strace is ended too. False when ready() never
// held or the process could not be found.
[[nodiscard]] bool killWhenHeld(const QStringList& args, const QString& syscall, int nth,
                                const std::function<bool()>& ready);

} // namespace vhdx::test
