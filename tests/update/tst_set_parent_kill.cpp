// SIGKILL stress for the set-parent: the real `vhdx-inspector --set-parent CHILD PARENT --yes`
// is killed at random moments (microsecond resolution), each run on a fresh copy of the child.
// The CLI's documented test hook VHDX_WRITE_TEST_DELAY_US stretches the twelve steps of the
// log transaction so that the kills land before, between and after its writes. After every
// run the child holds the old locator, or a log whose replay gives the new one (the core
// reader's active entry holds exactly the planned sectors; `qemu-img check -r all` on a copy
// replays it to the new locator), or the new locator; nothing outside the header blocks, the
// log and the metadata region changed.
//
// As for the header update's kill test: a killed process leaves the page cache as it was, so
// this checks the ordering of the writes at process level, not power loss (which is what the
// flush after each step is for).
#include <QDir>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "set_parent_fixture.h"
#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

extern char** environ;

namespace {
constexpr int stepDelayUs = 6000;

struct Run {
    bool exitedNormally = false;
    int exitCode = -1;
    qint64 elapsedUs = 0;
};

// Starts the CLI, kills it after killAfterUs (< 0: never), waits for it.
Run runSetParent(const QString& child, const QString& parent, qint64 killAfterUs) {
    std::vector<std::string> args = {VHDX_INSPECTOR_EXE, "--set-parent", child.toStdString(),
                                     parent.toStdString(), "--yes"};
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
        env.emplace_back(*e);
    env.push_back("VHDX_WRITE_TEST_DELAY_US=" + std::to_string(stepDelayUs));
    std::vector<char*> argv, envp;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env)
        envp.push_back(e.data());
    envp.push_back(nullptr);
    Run run;
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    if (pid < 0)
        return run;
    if (killAfterUs >= 0) {
        ::usleep(useconds_t(killAfterUs));
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.elapsedUs = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    run.exitedNormally = WIFEXITED(status);
    run.exitCode = run.exitedNormally ? WEXITSTATUS(status) : -1;
    return run;
}
} // namespace

class TestSetParentKill : public QObject {
    Q_OBJECT

  private slots:
    void killAtRandomPoints() {
        QTemporaryDir dir;
        const ReconnectCase c = makeReconnectCase(dir.path());
        const std::vector<uint8_t> original = readWholeFile(c.child);
        const QByteArray outside = digestOutsideWrites(c.child);
        // The GUIDs differ per run; the locator and the sectors it logs do not.
        const SetParentPlan plan = planSetParent(c.child.toStdString(), c.parent.toStdString(), {});
        QVERIFY2(plan.allowed, plan.refusal.c_str());

        const int runs = qEnvironmentVariableIsSet("VHDX_KILL_TEST_RUNS")
                             ? qEnvironmentVariableIntValue("VHDX_KILL_TEST_RUNS")
                             : 200;
        const quint32 seed = qEnvironmentVariableIsSet("VHDX_KILL_TEST_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("VHDX_KILL_TEST_SEED"))
                                 : QRandomGenerator::global()->generate();
        QRandomGenerator rng(seed);
        qInfo("seed %u (set VHDX_KILL_TEST_SEED to repeat), %d runs", seed, runs);

        const Run full = runSetParent(c.child, c.parent, -1);
        QVERIFY(full.exitedNormally);
        QCOMPARE(full.exitCode, 0);
        QCOMPARE(locatorState(c.child, c.oldLocator, plan, nullptr), LocatorState::New);
        const qint64 window = full.elapsedUs + full.elapsedUs / 10;
        qInfo("an undisturbed run takes %lld us", full.elapsedUs);

        int seen[4] = {0, 0, 0, 0}, finished = 0;
        for (int i = 0; i < runs; ++i) {
            QVERIFY(writeWholeFile(c.child, original));
            const qint64 killAt = qint64(rng.bounded(quint32(window)));
            const Run run = runSetParent(c.child, c.parent, killAt);
            QString why;
            const LocatorState state = locatorState(c.child, c.oldLocator, plan, &why);
            const QString where = QString("run %1, killed after %2 us").arg(i).arg(killAt);
            QVERIFY2(state != LocatorState::Broken, qPrintable(where + ": " + why));
            QVERIFY2(digestOutsideWrites(c.child) == outside,
                     qPrintable(where + ": bytes outside the header blocks, log and metadata "
                                        "region changed"));
            ++seen[int(state)];
            if (run.exitedNormally) {
                QCOMPARE(run.exitCode, 0);
                QCOMPARE(state, LocatorState::New);
                ++finished;
            }
            if (state == LocatorState::LogPending) {
                const QString copy = c.child + ".qemu";
                QVERIFY(copyFile(c.child, copy));
                (void)runTool("qemu-img", {"check", "-r", "all", "-f", "vhdx", copy});
                QVERIFY2(locatorState(copy, c.oldLocator, plan, &why) == LocatorState::New,
                         qPrintable(where + ": qemu-img's replay: " + why));
                QFile::remove(copy);
            }
        }
        qInfo("old locator: %d runs, log pending: %d, new locator: %d; %d ran to the end",
              seen[int(LocatorState::Old)], seen[int(LocatorState::LogPending)],
              seen[int(LocatorState::New)], finished);
        if (runs >= 100) { // the kills must have landed in every state
            QVERIFY(seen[int(LocatorState::Old)] > 0);
            QVERIFY(seen[int(LocatorState::LogPending)] > 0);
            QVERIFY(seen[int(LocatorState::New)] > 0);
        }
    }
};

VHDX_TEST_MAIN(TestSetParentKill)
#include "tst_set_parent_kill.moc"
