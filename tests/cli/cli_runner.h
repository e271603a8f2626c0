#pragma once
// Runs vhdx-inspector (or another program) as a user would, with no display, and hands back
// exit code, stdout, stderr and the parsed JSON report.
#include <QJsonObject>
#include <QString>
#include <QStringList>

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

} // namespace vhdx::test
