#pragma once
// One test executable per area (tests/CMakeLists.txt): each test class registers itself under
// its file's name (TestBat in tst_bat.cpp as "tst_bat") and the area's main runs the class
// named by its first argument, with the rest of the arguments passed to QTest as usual:
//
//   build/tests/core/vhdx_tests_core tst_bat [QTest options, test functions]
//   build/tests/core/vhdx_tests_core -list        (the classes it holds)
//
// so that every class is still its own ctest entry, with its label and timeout.
#include <QObject>

#include <memory>

namespace vhdx::test {

using TestFactory = std::unique_ptr<QObject> (*)();

struct TestRegistration {
    // file: __FILE__ of the class's source; gui: it needs a QApplication (widgets).
    TestRegistration(const char* file, TestFactory make, bool gui);
};

// The area's main: runs the class named by argv[1]. 2 with a usage message when there is
// none or it is unknown.
[[nodiscard]] int runRegisteredTest(int argc, char** argv);

} // namespace vhdx::test

#define VHDX_TEST_REGISTER(Class, gui)                                                             \
    static const ::vhdx::test::TestRegistration vhdxTestRegistration##Class(                       \
        __FILE__, []() -> std::unique_ptr<QObject> { return std::make_unique<Class>(); }, gui);

// In place of QTEST_GUILESS_MAIN / QTEST_MAIN in a test of an area executable.
#define VHDX_TEST_MAIN(Class) VHDX_TEST_REGISTER(Class, false)
#define VHDX_TEST_GUI_MAIN(Class) VHDX_TEST_REGISTER(Class, true)
