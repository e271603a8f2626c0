#include "cli_runner.h"

#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

#include <csignal>
#include <unistd.h>

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

bool killWhenHeld(const QStringList& args, const QString& syscall, int nth,
                  const std::function<bool()>& ready) {
    QProcess strace;
    strace.start(
        "strace",
        QStringList{"-f", "-o", "/dev/null", "-e", "trace=" + syscall, "-e",
                    QString("inject=%1:delay_enter=30000000:when=%2").arg(syscall).arg(nth),
                    inspectorPath()} +
            args);
    if (!strace.waitForStarted())
        return false;
    bool held = false;
    for (int i = 0; i < 500 && !(held = ready()); ++i)
        QTest::qWait(20);
    QTest::qWait(300); // now held at that call
    // The program is strace's child: killed itself, then strace, which would wait out its
    // delay.
    QFile children(QString("/proc/%1/task/%1/children").arg(strace.processId()));
    const qint64 pid =
        children.open(QIODevice::ReadOnly) ? children.readAll().trimmed().toLongLong() : 0;
    if (pid > 0)
        ::kill(pid_t(pid), SIGKILL);
    strace.kill();
    strace.waitForFinished(10000);
    for (int i = 0; pid > 0 && i < 100 && ::kill(pid_t(pid), 0) == 0; ++i)
        QTest::qWait(20); // reaped by init once strace is gone
    return held && pid > 0;
}

} // namespace vhdx::test
