#include "fuzz_common.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "vhdx/bytes.h"
#include "vhdx/crc32c.h"
#include "vhdx/document/document.h"
#include "vhdx/header_update.h"
#include "vhdx/image.h"
#include "vhdx/metadata.h"
#include "vhdx/parent_chain.h"
#include "vhdx/report.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx::fuzz {

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

void seal(std::vector<uint8_t>& f, uint64_t at, uint64_t len) {
    if (at + len > f.size() || len < 8)
        return;
    putLe32(f.data() + at + 4, 0);
    putLe32(f.data() + at + 4, structureChecksum(f.data() + at, len));
}

void sealLogEntries(std::vector<uint8_t>& f) {
    int sealed = 0;
    for (uint64_t at = kMiB; at + 4096 <= f.size() && sealed < 16; at += 4096) {
        if (std::memcmp(f.data() + at, "loge", 4) != 0)
            continue;
        const uint32_t len = le32(f.data() + at + 8);
        if (len && len % 4096 == 0 && len <= f.size() - at) {
            seal(f, at, len);
            ++sealed;
        }
    }
}

} // namespace

std::vector<uint8_t> expandCompact(const uint8_t* data, size_t size) {
    std::vector<uint8_t> f;
    if (size < kCompactPrefix)
        return f;
    const uint8_t flags = data[0];
    const uint64_t extra = uint64_t(data[1] & 0x03) * kMiB;
    size_t pos = kCompactPrefix;
    auto place = [&](uint64_t at, size_t len) {
        const size_t n = std::min(len, size - pos);
        if (n == 0)
            return;
        if (f.size() < at + n)
            f.resize(at + n, 0);
        std::memcpy(f.data() + at, data + pos, n);
        pos += n;
    };
    for (const auto& slot : kCompactSlots)
        place(slot[0], slot[1]);
    uint64_t segment = 0;
    while (pos < size) {
        place((1 + segment) * kMiB, kSegmentHalf);
        place((1 + segment) * kMiB + 64 * 1024, kSegmentHalf);
        ++segment;
    }
    if (flags & 1)
        for (uint64_t at : {64 * 1024, 128 * 1024})
            seal(f, at, 4096);
    if (flags & 2)
        for (uint64_t at : {192 * 1024, 256 * 1024})
            if (f.size() >= at + 16) {
                f.resize(std::max<size_t>(f.size(), at + 64 * 1024), 0);
                seal(f, at, 64 * 1024);
            }
    if (flags & 4)
        sealLogEntries(f);
    f.resize(f.size() + extra, 0);
    return f;
}

std::vector<uint8_t> compactFromImage(const std::vector<uint8_t>& image, uint8_t flags,
                                      size_t maxSegments) {
    std::vector<uint8_t> out{flags, 0};
    auto take = [&](uint64_t at, size_t len) {
        for (size_t i = 0; i < len; ++i)
            out.push_back(at + i < image.size() ? image[at + i] : 0);
    };
    for (const auto& slot : kCompactSlots)
        take(slot[0], slot[1]);
    const size_t segments = std::min<size_t>(maxSegments, image.size() / kMiB);
    for (size_t k = 0; k < segments; ++k) {
        take((1 + k) * kMiB, kSegmentHalf);
        take((1 + k) * kMiB + 64 * 1024, kSegmentHalf);
    }
    // Trailing zeros add nothing but length: drop them (the file just ends earlier).
    while (out.size() > kCompactPrefix + kCompactHeaderBytes && out.back() == 0)
        out.pop_back();
    return out;
}

int exerciseImage(std::vector<uint8_t> file, const uint8_t* raw, size_t rawSize) {
    auto src = std::make_shared<MemorySource>(std::move(file));
    auto img = Image::parse(src);
    img->scanBat();
    if (const BatReader* bat = img->batReader()) {
        const uint64_t n = bat->readableEntries();
        for (uint64_t i : {uint64_t(0), n / 2, n ? n - 1 : 0, n, n + 1, UINT64_MAX})
            (void)bat->entry(i);
        std::vector<BatEntry> range;
        (void)bat->readRange(0, std::min<uint64_t>(n, 1024), range);
        (void)bat->readRange(n ? n - 1 : 0, 2, range);
        const BatGeometry& g = bat->geometry();
        for (uint64_t v : {uint64_t(0), g.virtualDiskSize / 2, g.virtualDiskSize})
            (void)g.indexOfVirtualOffset(v);
    }
    const Log& log = img->log();
    for (size_t i = 0; i < log.entries.size() && i < 64; ++i)
        (void)readLogDescriptors(*src, log, log.entries[i], 512);
    (void)decodeParentLocator(raw, rawSize);
    if (const auto& pl = img->metadata().parentLocator)
        (void)parentCandidates(*pl, "/nonexistent/dir"); // path mapping only, no file access
    if (const Header* cur = img->headers().currentHeader(); cur && cur->raw.size() == 4096)
        (void)buildHeaderBlocks(cur->raw.data(), cur->fileWriteGuid, cur->dataWriteGuid);
    // The viewer's path: the document with the log-change marks and the Virtual disk node
    // (the virtual-disk reader and the libblkid probe over the replayed view).
    DocumentOptions docOptions;
    if (auto vd = summarizeVirtualDisk(*img))
        docOptions.virtualDisk = std::make_shared<const VirtualDiskSummary>(std::move(*vd));
    const auto doc = buildDocument(*img, img->findings().items(), docOptions);
    for (uint64_t at : {uint64_t(0), uint64_t(64 * 1024), kMiB, img->fileSize() / 2})
        (void)doc->nodeAt(at);
    const std::string json = reportJson(*img);
    const std::string text = reportText(*img);
    if (json.empty() || text.empty())
        __builtin_trap(); // a report is never empty, whatever the input
    return exitCodeFor(*img);
}

} // namespace vhdx::fuzz
