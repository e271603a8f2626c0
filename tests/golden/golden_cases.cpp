// Helpers of the golden cases, and the file cases: the four real images and the images that
// must be files (the parent chain runs only for files; the empty file).
#include "golden_cases.h"
#include "vhdx/parent_chain.h"

#include <QDir>

#include <cstdio>

#include "damage_cases.h"
#include "test_files.h"
#include "vhdx/bytes.h"

namespace vhdx::test::golden {

std::unique_ptr<Image> scanned(std::shared_ptr<const ByteSource> source) {
    auto img = Image::parse(std::move(source));
    img->scanBat();
    return img;
}

std::unique_ptr<Image> scanned(const BuiltImage& image) {
    return scanned(image.source());
}

std::unique_ptr<Image> matrixCase(const std::string& name) {
    static const std::vector<damage::Case> all = damage::allCases();
    for (const damage::Case& c : all)
        if (c.name == name) {
            BuiltImage b = damage::baseImage(c.base);
            c.damage(b);
            return scanned(b);
        }
    return nullptr;
}

Guid fixedGuid(int n) {
    char text[40];
    std::snprintf(text, sizeof text, "00000000-0000-0000-0000-0000000000%02d", n % 100);
    return *Guid::parse(text);
}

namespace {

// A differencing image (64 MiB, 1 MiB blocks) whose block 0 is partially present, with its
// chunk's sector bitmap.
ImageSpec child(const Guid& linkage, const std::string& parentName) {
    ImageSpec s;
    s.blockSize = uint32_t(MiB);
    s.virtualSize = 64 * MiB;
    s.hasParent = true;
    s.parentLocator = {{"parent_linkage", "{" + linkage.toString() + "}"},
                       {"relative_path", ".\\" + parentName},
                       {"absolute_win32_path", "C:\\VMs\\" + parentName}};
    s.blocks = {{0, bat::PartiallyPresent}, {1, bat::NotPresent}};
    s.sectorBitmaps = {0};
    return s;
}

ImageSpec parent(const Guid& dataWriteGuid) {
    ImageSpec s;
    s.blockSize = uint32_t(MiB);
    s.virtualSize = 64 * MiB;
    s.dataWriteGuid = dataWriteGuid;
    s.blocks = {{0, bat::FullyPresent}, {1, bat::FullyPresent}};
    return s;
}

QString write(const QString& dir, const char* name, const ImageSpec& spec) {
    return writeImageFile(dir, QString::fromLatin1(name), buildImage(spec).bytes);
}

FileCase real(const char* name, const char* compressed) {
    const QString file = QString::fromLatin1(compressed);
    return {name, [file](const QString& dir) { return decompressTestImage(file, dir); }};
}

} // namespace

std::vector<FileCase> fileCases() {
    std::vector<FileCase> out = {
        real("real-iotest-dynamic-1G", "iotest-dynamic-1G.vhdx.bz2"),
        real("real-iotest-dirtylog-10G-4M", "iotest-dirtylog-10G-4M.vhdx.bz2"),
        real("real-xfs", "xfs.vhdx.gz"),
        real("real-btrfs", "btrfs.vhdx.gz"),
    };
    out.push_back(
        {"file-empty", [](const QString& dir) { return writeImageFile(dir, "empty.vhdx", {}); }});
    // Every locator path is tried and none exists (the volume path included).
    out.push_back({"diff-parent-not-found", [](const QString& dir) {
                       ImageSpec s = child(fixedGuid(20), "missing.vhdx");
                       s.parentLocator.push_back(
                           {"volume_path",
                            "\\\\?\\Volume{" + fixedGuid(21).toString() + "}\\VMs\\missing.vhdx"});
                       return write(dir, "orphan.vhdx", s);
                   }});
    // The parent exists but was written since the child was made.
    out.push_back({"diff-parent-linkage-mismatch", [](const QString& dir) {
                       if (write(dir, "parent.vhdx", parent(fixedGuid(22))).isEmpty())
                           return QString();
                       return write(dir, "child.vhdx", child(fixedGuid(23), "parent.vhdx"));
                   }});
    // child -> middle (itself differencing) -> base, every linkage right.
    out.push_back({"diff-parent-chain-ok", [](const QString& dir) {
                       ImageSpec middle = child(fixedGuid(24), "base.vhdx");
                       middle.dataWriteGuid = fixedGuid(25);
                       if (write(dir, "base.vhdx", parent(fixedGuid(24))).isEmpty() ||
                           write(dir, "middle.vhdx", middle).isEmpty())
                           return QString();
                       return write(dir, "child.vhdx", child(fixedGuid(25), "middle.vhdx"));
                   }});
    // The parent's linkage is right, its virtual size is not the child's.
    out.push_back({"diff-parent-geometry-mismatch", [](const QString& dir) {
                       ImageSpec p = parent(fixedGuid(26));
                       p.virtualSize = 128 * MiB;
                       if (write(dir, "parent.vhdx", p).isEmpty())
                           return QString();
                       return write(dir, "child.vhdx", child(fixedGuid(26), "parent.vhdx"));
                   }});
    // The parent was not closed cleanly: its log holds an entry to replay.
    out.push_back({"diff-parent-log-pending", [](const QString& dir) {
                       ImageSpec p = parent(fixedGuid(27));
                       p.logGuid = fixedGuid(28);
                       p.logEntries = {LogEntrySpec{}};
                       if (write(dir, "parent.vhdx", p).isEmpty())
                           return QString();
                       return write(dir, "child.vhdx", child(fixedGuid(27), "parent.vhdx"));
                   }});
    // child -> p1 -> ... -> p65: one ancestor more than are followed.
    out.push_back({"diff-parent-chain-too-deep", [](const QString& dir) {
                       const int levels = maxParentChainDepth + 1;
                       for (int i = 1; i <= levels; ++i) {
                           ImageSpec s = i == levels ? parent(fixedGuid(100 + i))
                                                     : child(fixedGuid(100 + i + 1),
                                                             "p" + std::to_string(i + 1) + ".vhdx");
                           s.dataWriteGuid = fixedGuid(100 + i);
                           const std::string name = "p" + std::to_string(i) + ".vhdx";
                           if (write(dir, name.c_str(), s).isEmpty())
                               return QString();
                       }
                       return write(dir, "child.vhdx", child(fixedGuid(101), "p1.vhdx"));
                   }});
    return out;
}

std::vector<MemoryCase> memoryCases() {
    std::vector<MemoryCase> out;
    addFrontCases(out);
    addBackCases(out);
    return out;
}

} // namespace vhdx::test::golden
