#include "cli_runner.h"

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

namespace vhdx::test {

const QJsonObject RunResult::json() const {
    return QJsonDocument::fromJson(out).object();
}

QString inspectorPath() {
    return QStringLiteral(VHDX_INSPECTOR_EXE);
}

static RunResult run(const QString& program, const QStringList& args, int timeoutMs,
                     bool headless) {
    QProcess p;
    if (headless) {
        // The headless modes must work with no display at all.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("QT_QPA_PLATFORM");
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        p.setProcessEnvironment(env);
    }
    p.start(program, args);
    RunResult r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        r.crashed = true;
        return r;
    }
    r.crashed = p.exitStatus() != QProcess::NormalExit;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

RunResult runInspector(const QStringList& args, int timeoutMs) {
    return run(inspectorPath(), args, timeoutMs, true);
}

RunResult runProgram(const QString& program, const QStringList& args, int timeoutMs) {
    return run(program, args, timeoutMs, false);
}

} // namespace vhdx::test
