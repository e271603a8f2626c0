// The registry of the test classes of one area executable, and its main (test_registry.h).
#include "test_registry.h"

#include <QCoreApplication>
#include <QTest>
#ifdef VHDX_TEST_WITH_GUI
#include <QApplication>
#endif

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace vhdx::test {

namespace {

struct Entry {
    const char* file = nullptr;
    TestFactory make = nullptr;
    bool gui = false;
};

std::map<std::string, Entry>& registry() {
    static std::map<std::string, Entry> classes;
    return classes;
}

// "tests/core/tst_bat.cpp" -> "tst_bat"
std::string stem(const char* file) {
    std::string s = file;
    const auto slash = s.find_last_of('/');
    if (slash != std::string::npos)
        s.erase(0, slash + 1);
    const auto dot = s.find_last_of('.');
    if (dot != std::string::npos)
        s.erase(dot);
    return s;
}

} // namespace

TestRegistration::TestRegistration(const char* file, TestFactory make, bool gui) {
    registry()[stem(file)] = Entry{file, make, gui};
}

int runRegisteredTest(int argc, char** argv) {
    const auto& classes = registry();
    const auto it = argc >= 2 ? classes.find(argv[1]) : classes.end();
    if (it == classes.end()) {
        const bool list = argc >= 2 && std::strcmp(argv[1], "-list") == 0;
        std::FILE* out = list ? stdout : stderr;
        if (!list)
            std::fprintf(out, "usage: %s CLASS [QTest options] [test functions]\nclasses:\n",
                         argc ? argv[0] : "tests");
        for (const auto& [name, entry] : classes)
            std::fprintf(out, list ? "%s\n" : "  %s\n", name.c_str());
        return list ? 0 : 2;
    }
    // QTest sees the program and the arguments after the class name.
    std::vector<char*> args;
    args.push_back(argv[0]);
    for (int i = 2; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    int n = int(args.size()) - 1;
    std::unique_ptr<QCoreApplication> app;
#ifdef VHDX_TEST_WITH_GUI
    if (it->second.gui) {
        app = std::make_unique<QApplication>(n, args.data());
    }
#else
    if (it->second.gui) {
        std::fprintf(stderr, "%s needs a GUI: built into an executable without one\n", argv[1]);
        return 2;
    }
#endif
    if (!app)
        app = std::make_unique<QCoreApplication>(n, args.data());
    app->setAttribute(Qt::AA_Use96Dpi, true);
    QTest::setMainSourcePath(it->second.file);
    const std::unique_ptr<QObject> test = it->second.make();
    return QTest::qExec(test.get(), n, args.data());
}

} // namespace vhdx::test

int main(int argc, char** argv) {
    return vhdx::test::runRegisteredTest(argc, argv);
}
