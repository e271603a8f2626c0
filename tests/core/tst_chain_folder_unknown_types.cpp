// The chains of a folder on a file system whose readdir gives no entry types (DT_UNKNOWN, as
// some network and FUSE file systems do): the folder listing asks lstat instead, descends
// into subfolders and still follows no symlinked folder. This program defines readdir itself
// (the core library's calls resolve to it, static or shared) and clears d_type while asked.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <dirent.h>
#include <dlfcn.h>

#include "chain_builder.h"
#include "chain_test_helpers.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {
bool g_hideTypes = false;
int g_typesHidden = 0;
} // namespace

extern "C" struct dirent* readdir(DIR* dir) {
    using Readdir = struct dirent* (*)(DIR*);
    static const auto real = reinterpret_cast<Readdir>(::dlsym(RTLD_NEXT, "readdir"));
    struct dirent* e = real(dir);
    if (e && g_hideTypes) {
        e->d_type = DT_UNKNOWN;
        ++g_typesHidden;
    }
    return e;
}

class TestChainFolderUnknownTypes : public QObject {
    Q_OBJECT

    // base.vhdx; sub/child.vhdx, its child through "../base.vhdx"; link -> sub, a symlinked
    // folder that must not be followed (it would list the child a second time).
    static QString makeFolder(const QTemporaryDir& tmp) {
        const QString dir = tmp.path();
        if (writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty() ||
            writeSpec(dir, "sub/child.vhdx", childImage(chainGuid(2), chainGuid(1), "../base.vhdx"))
                .isEmpty() ||
            !QFile::link(dir + "/sub", dir + "/link"))
            return {};
        return dir;
    }

    static QStringList paths(const ChainForest& f) {
        QStringList out;
        for (const ChainNode& n : f.nodes)
            out << qs(n.displayPath);
        out.sort();
        return out;
    }

  private slots:
    void cleanup() { g_hideTypes = false; }

    // The same forest with and without entry types.
    void subfoldersAreFoundWithoutEntryTypes() {
        QTemporaryDir tmp;
        const QString dir = makeFolder(tmp);
        QVERIFY(!dir.isEmpty());
        const ChainForest typed = mapFolder(dir);
        QCOMPARE(paths(typed), QStringList({"base.vhdx", "sub/child.vhdx"}));

        g_hideTypes = true;
        g_typesHidden = 0;
        const ChainForest untyped = mapFolder(dir);
        g_hideTypes = false;
        QVERIFY(g_typesHidden >= 4); // the shim was used: base.vhdx, sub, link, child.vhdx
        QCOMPARE(paths(untyped), QStringList({"base.vhdx", "sub/child.vhdx"}));
        VHDX_COMPARE_STR(parentOf(untyped, "sub/child.vhdx"), "base.vhdx");
        QCOMPARE(codes(untyped), codes(typed));
    }

    // Not recursive: the subfolder is not entered, with or without entry types.
    void notRecursiveStaysInTheFolder() {
        QTemporaryDir tmp;
        const QString dir = makeFolder(tmp);
        QVERIFY(!dir.isEmpty());
        ForestOptions o;
        o.recursive = false;
        g_hideTypes = true;
        const ChainForest f = mapFolder(dir, o);
        g_hideTypes = false;
        QCOMPARE(paths(f), QStringList({"base.vhdx"}));
    }
};

QTEST_GUILESS_MAIN(TestChainFolderUnknownTypes)
#include "tst_chain_folder_unknown_types.moc"
