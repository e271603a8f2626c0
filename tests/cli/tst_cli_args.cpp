// The command line: the viewer takes Qt's standard options (-style Fusion, -stylesheet FILE,
// -platform NAME...) and leaves them for QApplication; the headless modes refuse them.
#include <QTest>

#include <string>
#include <vector>

#include "cli.h"
#include "test_registry.h"

using vhdx::app::CommandLine;
using vhdx::app::Mode;

namespace {
CommandLine parse(std::vector<std::string> args) {
    args.insert(args.begin(), "vhdx-inspector");
    std::vector<char*> argv;
    for (std::string& a : args)
        argv.push_back(a.data());
    return vhdx::app::parseCommandLine(int(argv.size()), argv.data());
}
} // namespace

class TestCliArgs : public QObject {
    Q_OBJECT
  private slots:
    void qtOptionsGoToTheViewer() {
        const CommandLine c = parse({"-style", "Fusion", "-stylesheet", "dark.qss", "disk.vhdx"});
        QCOMPARE(int(c.mode), int(Mode::Gui));
        QCOMPARE(c.files, std::vector<std::string>{"disk.vhdx"});
        QCOMPARE(c.qtOptions,
                 (std::vector<std::string>{"-style", "Fusion", "-stylesheet", "dark.qss"}));
    }
    void qtOptionSpellings() {
        for (const char* a : {"-style=Fusion", "--style=Fusion", "-reverse", "--reverse",
                              "-widgetcount", "-qwindowtitle=x"}) {
            const CommandLine c = parse({a, "a.vhdx"});
            QVERIFY2(c.mode == Mode::Gui, a);
            QCOMPARE(c.files, std::vector<std::string>{"a.vhdx"});
        }
        const CommandLine c = parse({"--platform", "offscreen", "a.vhdx", "b.vhdx"});
        QCOMPARE(c.files, (std::vector<std::string>{"a.vhdx", "b.vhdx"}));
        // A value option without its value is not taken for one.
        QCOMPARE(int(parse({"-style"}).mode), int(Mode::UsageError));
    }
    void qtOptionsAreNotForReports() {
        const CommandLine c = parse({"--json", "-style", "Fusion", "a.vhdx"});
        QCOMPARE(int(c.mode), int(Mode::UsageError));
        QVERIFY(c.error.find("viewer") != std::string::npos);
    }
    void unknownOptionsStayErrors() {
        QCOMPARE(int(parse({"-stile", "Fusion"}).mode), int(Mode::UsageError));
        QCOMPARE(int(parse({"--jsonn", "a"}).mode), int(Mode::UsageError));
    }
    void filesAfterDoubleDash() {
        const CommandLine c = parse({"--", "-style"});
        QCOMPARE(c.files, std::vector<std::string>{"-style"});
        QVERIFY(c.qtOptions.empty());
    }
};

VHDX_TEST_MAIN(TestCliArgs)
#include "tst_cli_args.moc"
