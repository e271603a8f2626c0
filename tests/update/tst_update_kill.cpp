// SIGKILL stress: the real `vhdx-inspector --update-headers FILE --yes` process is killed at
// random moments (microsecond resolution) many times in a row on the same file. The CLI's
// documented test hook VHDX_WRITE_TEST_DELAY_US stretches the steps so that the kills land
// before, between and after the writes. After every run: the file opens with a valid current
// header whose sequence advanced by 0, 1 or 2 (2 when the process finished), nothing outside
// the two header blocks changed, and a finished run's backup equals the first MiB before it.
//
// What this proves and what it does not: a killed process leaves the page cache as it was, so
// this checks the write ordering at process level (every intermediate state is consistent);
// it does not simulate power loss, which is what the fdatasync after each step is for.
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_registry.h"
#include "update_test_util.h"

using namespace vhdx;
using namespace vhdx::test;

extern char** environ;

namespace {
constexpr int stepDelayUs = 8000;

struct Run {
    bool exitedNormally = false;
    int exitCode = -1;
    qint64 elapsedUs = 0;
};

// Starts the CLI on path, kills it after killAfterUs (< 0: never), waits for it.
Run runUpdate(const QString& path, const QString& backup, qint64 killAfterUs) {
    std::vector<std::string> args = {VHDX_INSPECTOR_EXE, "--update-headers", path.toStdString(),
                                     "--yes"};
    if (!backup.isEmpty()) {
        args.push_back("--backup");
        args.push_back(backup.toStdString());
    }
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

class TestUpdateKill : public QObject {
    Q_OBJECT

  private slots:
    void killAtRandomPoints() {
        QTemporaryDir dir;
        QString error;
        const QString path = makeQemuImage(dir.path(), "k.vhdx", "4G", "8M", &error);
        QVERIFY2(!path.isEmpty(), qPrintable(error));
        const int runs = qEnvironmentVariableIsSet("VHDX_KILL_TEST_RUNS")
                             ? qEnvironmentVariableIntValue("VHDX_KILL_TEST_RUNS")
                             : 200;
        const quint32 seed = qEnvironmentVariableIsSet("VHDX_KILL_TEST_SEED")
                                 ? quint32(qEnvironmentVariableIntValue("VHDX_KILL_TEST_SEED"))
                                 : QRandomGenerator::global()->generate();
        QRandomGenerator rng(seed);
        qInfo("seed %u (set VHDX_KILL_TEST_SEED to repeat), %d runs", seed, runs);

        // Calibrate: how long a whole update takes with the step delays.
        const Run full = runUpdate(path, {}, -1);
        QVERIFY(full.exitedNormally);
        QCOMPARE(full.exitCode, 0);
        const qint64 window = full.elapsedUs + full.elapsedUs / 10;
        qInfo("an undisturbed run takes %lld us", full.elapsedUs);

        const QByteArray outside = digestOutsideHeaders(path);
        int advanced[3] = {0, 0, 0}, finished = 0;
        for (int i = 0; i < runs; ++i) {
            const HeaderPair before = readHeaderPair(path);
            QVERIFY(before.current != 0);
            const uint64_t seq = before.currentHeader()->sequenceNumber;
            const std::vector<uint8_t> head = readWholeFile(path);
            const QString backup =
                i % 4 == 0 ? dir.path() + "/backup-" + QString::number(i) : QString();
            const qint64 killAt = qint64(rng.bounded(quint32(window)));
            const Run run = runUpdate(path, backup, killAt);

            const QString problem = checkStillConsistent(path, outside);
            QVERIFY2(
                problem.isEmpty(),
                qPrintable(
                    QString("run %1, killed after %2 us: %3").arg(i).arg(killAt).arg(problem)));
            const HeaderPair after = readHeaderPair(path);
            const uint64_t advance = after.currentHeader()->sequenceNumber - seq;
            QVERIFY2(advance <= 2,
                     qPrintable(QString("run %1: sequence advanced by %2").arg(i).arg(advance)));
            ++advanced[advance];
            if (advance == 0) // untouched current header
                QCOMPARE(after.currentHeader()->raw, before.currentHeader()->raw);
            if (run.exitedNormally) {
                QCOMPARE(run.exitCode, 0);
                QCOMPARE(advance, uint64_t(2));
                QVERIFY(after.headers[0].valid() && after.headers[1].valid());
                ++finished;
                if (!backup.isEmpty()) {
                    const std::vector<uint8_t> b = readWholeFile(backup);
                    QVERIFY(b.size() == 1024 * 1024 &&
                            std::equal(b.begin(), b.end(), head.begin()));
                }
            }
        }
        qInfo("current sequence advanced by 0: %d runs, by 1: %d, by 2: %d; %d ran to the end",
              advanced[0], advanced[1], advanced[2], finished);
        QCOMPARE(qemuImgCheck(path), QString());
        QCOMPARE(vhdiinfoCheck(path), QString());
        if (runs >= 100) { // the kills must have landed at every stage
            QVERIFY(advanced[0] > 0);
            QVERIFY(advanced[1] > 0);
            QVERIFY(advanced[2] > 0);
        }
    }
};

VHDX_TEST_MAIN(TestUpdateKill)
#include "tst_update_kill.moc"
