// Golden cases of --chains: a healthy folder (chains of 1-4 levels, one in a subfolder, a
// differencing disk with other blocks), a folder with every problem the forest names, and
// the image limit (mapped with a limit of 2; the CLI's is 100,000).
#include <QDir>
#include <QFile>

#include "chain_builder.h"
#include "golden_cases.h"
#include "test_files.h"

namespace vhdx::test::golden {

namespace {

bool put(const QString& dir, const char* name, const ImageSpec& spec) {
    return !writeSpec(dir, QString::fromLatin1(name), spec).isEmpty();
}

bool healthy(const QString& dir) {
    ImageSpec level3 = childImage(chainGuid(13), chainGuid(12), "..\\level2.avhdx");
    level3.blockSize = 2 * 1024 * 1024; // as Hyper-V makes differencing disks: info only
    return put(dir, "single.vhdx", baseImage(chainGuid(1))) &&
           put(dir, "base.vhdx", baseImage(chainGuid(10))) &&
           put(dir, "level1.avhdx", childImage(chainGuid(11), chainGuid(10), ".\\base.vhdx")) &&
           put(dir, "level2.avhdx", childImage(chainGuid(12), chainGuid(11), ".\\level1.avhdx")) &&
           put(dir, "snapshots/level3.avhdx", level3);
}

bool broken(const QString& dir) {
    ImageSpec bigger = childImage(chainGuid(31), chainGuid(30), ".\\moved\\base.vhdx");
    bigger.virtualSize *= 2;
    ImageSpec sectors = childImage(chainGuid(32), chainGuid(30), ".\\moved\\base.vhdx");
    sectors.logicalSectorSize = 4096;
    return put(dir, "moved/base.vhdx", baseImage(chainGuid(30))) &&
           // The locator leads nowhere; the GUID finds moved/base.vhdx.
           put(dir, "lost.avhdx", childImage(chainGuid(33), chainGuid(30), ".\\base.vhdx")) &&
           put(dir, "size.avhdx", bigger) && put(dir, "sector.avhdx", sectors) &&
           // A decoy: the right name, another DataWriteGuid, and no file with the right one.
           put(dir, "decoy/base.vhdx", baseImage(chainGuid(40))) &&
           put(dir, "decoy/orphan.avhdx",
               childImage(chainGuid(41), chainGuid(39), ".\\base.vhdx")) &&
           // Two checkpoints of a parent written to since.
           put(dir, "changed/base.vhdx", baseImage(chainGuid(50))) &&
           put(dir, "changed/a.avhdx", childImage(chainGuid(51), chainGuid(49), ".\\base.vhdx")) &&
           put(dir, "changed/b.avhdx", childImage(chainGuid(52), chainGuid(49), ".\\base.vhdx")) &&
           // A loop.
           put(dir, "loop/x.avhdx", childImage(chainGuid(60), chainGuid(61), ".\\y.avhdx")) &&
           put(dir, "loop/y.avhdx", childImage(chainGuid(61), chainGuid(60), ".\\x.avhdx")) &&
           !writeImageFile(dir, "notes.vhdx", {'n', 'o', 't', 'e', 's'}).isEmpty();
}

bool limited(const QString& dir) {
    return put(dir, "a.vhdx", baseImage(chainGuid(70))) &&
           put(dir, "b.vhdx", baseImage(chainGuid(71))) &&
           put(dir, "c.vhdx", baseImage(chainGuid(72)));
}

} // namespace

std::vector<ChainCase> chainCases() {
    ForestOptions limit;
    limit.maxImages = 2;
    return {{"chains-healthy", healthy, {}},
            {"chains-broken", broken, {}},
            {"chains-limited", limited, limit}};
}

} // namespace vhdx::test::golden
