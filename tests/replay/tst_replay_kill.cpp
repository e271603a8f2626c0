// SIGKILL stress of the guarded log replay: `vhdx-inspector --replay-log FILE --yes` on a copy
// of a dirty image (40 entries, 40 descriptors) is killed at a random moment, many times. The
// CLI's test hook VHDX_WRITE_TEST_DELAY_US sleeps after every step (each descriptor, the
// extension, the flush, each header write and flush), so the kills land at every stage. After
// each run the file is unchanged, fully replayed, or still dirty with a log whose replay (ours
// and qemu-img check -r all) gives the uninterrupted result (checkInterrupted).
//
// Like the header update's kill test, this proves the write ordering at process level; the
// fdatasync before the LogGuid is cleared is what covers a power loss.
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirty_images.h"
#include "test_registry.h"
#include "update_test_util.h"
#include "vhdx/log_replay.h"

using namespace vhdx;
using namespace vhdx::test;

extern char** environ;

namespace {
constexpr int stepDelayUs = 1500;

struct Run {
    bool exitedNormally = false;
    int exitCode = -1;
    qint64 elapsedUs = 0;
};

Run runReplay(const QString& path, qint64 killAfterUs) {
    std::vector<std::string> args = {VHDX_INSPECTOR_EXE, "--replay-log", path.toStdString(),
                                     "--yes"};
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

class TestReplayKill : public QObject {
    Q_OBJECT

  private slots:
    void killAtRandomPoints() {
        // In memory where there is a tmpfs: a kill leaves the page cache as it was, so the disk
        // adds nothing but QEMU's per-sector syncs in checkInterrupted.
        QTemporaryDir dir(QDir("/dev/shm").exists()
                              ? "/dev/shm/vhdx-replay-kill-XXXXXX"
                              : QDir::tempPath() + "/vhdx-replay-kill-XXXXXX");
        const QString original = writeDirtyCase(*dirtyCase("many-entries"), dir.path());
        QVERIFY(!original.isEmpty());
        const QString reference = dir.path() + "/reference.vhdx";
        QVERIFY(copyFile(original, reference));
        QVERIFY(replayLog(reference.toStdString(), {}).ok);

        const int runs = qEnvironmentVariableIsSet("VHDX_KILL_TEST_RUNS")
                             ? qEnvironmentVariableIntValue("VHDX_KILL_TEST_RUNS")
                             : 120;
        const quint32 seed = qEnvironmentVariableIsSet("VHDX_KILL_TEST_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("VHDX_KILL_TEST_SEED"))
                                 : QRandomGenerator::global()->generate();
        QRandomGenerator rng(seed);
        qInfo("seed %u (set VHDX_KILL_TEST_SEED to repeat), %d runs", seed, runs);

        const QString path = dir.path() + "/work.vhdx";
        QVERIFY(copyFile(original, path));
        const Run full = runReplay(path, -1);
        QVERIFY(full.exitedNormally);
        QCOMPARE(full.exitCode, 0);
        QCOMPARE(bytesAgree(path, reference), QString());
        const qint64 window = full.elapsedUs + full.elapsedUs / 10;
        qInfo("an undisturbed run takes %lld us", full.elapsedUs);

        int states[3] = {}, finished = 0;
        for (int i = 0; i < runs; ++i) {
            QFile::remove(path);
            QVERIFY(copyFile(original, path));
            const qint64 killAt = qint64(rng.bounded(quint32(window)));
            const Run run = runReplay(path, killAt);
            int state = -1;
            const QString problem = checkInterrupted(path, original, reference, &state);
            QVERIFY2(
                problem.isEmpty(),
                qPrintable(
                    QString("run %1, killed after %2 us: %3").arg(i).arg(killAt).arg(problem)));
            ++states[state];
            if (run.exitedNormally) {
                QCOMPARE(run.exitCode, 0);
                QCOMPARE(state, 2);
                ++finished;
            }
        }
        qInfo("unchanged: %d runs, still dirty: %d, fully replayed: %d; %d ran to the end",
              states[0], states[1], states[2], finished);
        if (runs >= 100) { // the kills must have landed at every stage
            QVERIFY(states[0] > 0);
            QVERIFY(states[1] > 0);
            QVERIFY(states[2] > 0);
        }
    }
};

VHDX_TEST_MAIN(TestReplayKill)
#include "tst_replay_kill.moc"
