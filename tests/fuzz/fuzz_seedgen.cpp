// Writes seed inputs made with the test image builder: each image as a raw file (for
// fuzz_image) and as a compact input (for fuzz_image_compact). Usage: fuzz_seedgen DIR
// [IMAGE...] (creates DIR/raw and DIR/compact; each IMAGE, e.g. the first MiB of a real
// image, is added to DIR/compact in compact form).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_common.h"
#include "image_builder.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

std::vector<std::pair<std::string, ImageSpec>> specs() {
    std::vector<std::pair<std::string, ImageSpec>> out;
    ImageSpec base;
    base.blockSize = 1024 * 1024;
    base.virtualSize = 64ull * 1024 * 1024;
    base.blocks = {{0, bat::FullyPresent}, {1, bat::Zero}, {5, bat::FullyPresent}};
    out.emplace_back("dynamic", base);

    ImageSpec fixed = base;
    fixed.fixed = true;
    fixed.virtualSize = 4ull * 1024 * 1024;
    fixed.blocks.clear();
    out.emplace_back("fixed", fixed);

    ImageSpec big = base;
    big.blockSize = 32 * 1024 * 1024;
    big.virtualSize = 1024ull * 1024 * 1024 * 1024; // 1 TiB: a BAT of 32 K entries
    big.blocks = {{3, bat::Unmapped}, {7, bat::Undefined}};
    out.emplace_back("sparse-1tib", big);

    ImageSpec diff = base;
    diff.hasParent = true;
    diff.parentLocator = {{"parent_linkage", "{66666666-7777-8888-9999-aaaaaaaaaaaa}"},
                          {"relative_path", ".\\parent.vhdx"},
                          {"absolute_win32_path", "C:\\vms\\parent.vhdx"}};
    diff.blocks = {{0, bat::PartiallyPresent}, {2, bat::FullyPresent}};
    diff.sectorBitmaps = {0};
    out.emplace_back("differencing", diff);

    ImageSpec log = base;
    log.logGuid = Guid::parse("01234567-89ab-cdef-0123-456789abcdef").value();
    LogEntrySpec e1;
    e1.sequenceNumber = 10;
    e1.data = {{4 * 1024 * 1024, {}}};
    LogEntrySpec e2;
    e2.sequenceNumber = 11;
    e2.tailEntry = 0;
    e2.zeros = {{5 * 1024 * 1024, 8192}};
    LogEntrySpec stale;
    stale.sequenceNumber = 3;
    stale.logGuid = Guid::parse("fedcba98-7654-3210-fedc-ba9876543210").value();
    log.logEntries = {e1, e2, stale};
    out.emplace_back("log-active", log);

    ImageSpec s4k = base;
    s4k.logicalSectorSize = 4096;
    s4k.extraRegions = {{Guid::parse("aaaaaaaa-0000-0000-0000-000000000001").value(),
                         8ull * 1024 * 1024, 1024 * 1024, 0}};
    s4k.extraItems = {{Guid::parse("aaaaaaaa-0000-0000-0000-000000000002").value(),
                       std::vector<uint8_t>(24, 0x5a), 1}};
    out.emplace_back("4k-extras", s4k);
    return out;
}

bool write(const std::filesystem::path& p, const std::vector<uint8_t>& b) {
    std::ofstream o(p, std::ios::binary);
    o.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
    return bool(o);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR [IMAGE...]\n", argv[0]);
        return 2;
    }
    const std::filesystem::path dir(argv[1]);
    std::filesystem::create_directories(dir / "raw");
    std::filesystem::create_directories(dir / "compact");
    for (const auto& [name, spec] : specs()) {
        const BuiltImage img = buildImage(spec);
        if (img.bytes.size() <= 8 * 1024 * 1024 &&
            !write(dir / "raw" / (name + ".vhdx"), img.bytes))
            return 1;
        std::vector<uint8_t> c = fuzz::compactFromImage(img.bytes, 7, 4);
        const size_t mapped = 5 * 1024 * 1024;
        c[1] = uint8_t(
            img.bytes.size() > mapped ? std::min<size_t>(3, (img.bytes.size() - mapped) >> 20) : 0);
        if (!write(dir / "compact" / (name + ".bin"), c))
            return 1;
        // A variant without sealing, so that checksum failures are in the corpus too.
        c[0] = 0;
        if (!write(dir / "compact" / (name + "-unsealed.bin"), c))
            return 1;
    }
    for (int i = 2; i < argc; ++i) {
        std::ifstream in(argv[i], std::ios::binary);
        const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), {}};
        const std::string name = std::filesystem::path(argv[i]).stem().string();
        if (!write(dir / "compact" / (name + ".bin"), fuzz::compactFromImage(bytes, 0, 4)))
            return 1;
    }
    return 0;
}
