// Limits (layout.h): a hostile file whose counts and lengths are all at their maxima must
// not make the core allocate more than a fixed bound, nor read more than linear in the file
// size. Allocation is measured with a counting operator new (counting_alloc.cpp), work with
// a ByteSource wrapper that counts the bytes read: both independent of machine speed.
#include <QTest>

#include <atomic>
#include <memory>

#include "counting_alloc.h"
#include "image_builder.h"
#include "vhdx/bytes.h"
#include "vhdx/image.h"
#include "vhdx/metadata.h"
#include "vhdx/report.h"

using namespace vhdx;
using namespace vhdx::test;

namespace {

constexpr size_t kAllocBound = 64 * MiB + 256 * KiB; // 64 MiB + the BAT scan's chunk buffer
// Reads: the log checker may read its log 4 times plus a fixed 64 MiB (log.cpp); everything
// else reads each byte of the file at most a couple of times.
uint64_t readBound(uint64_t fileSize) {
    return 8 * fileSize + 72 * MiB;
}

class CountingSource final : public ByteSource {
  public:
    explicit CountingSource(std::vector<uint8_t> b) : m_inner(std::move(b)) {}
    uint64_t size() const override { return m_inner.size(); }
    ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        bytes += len;
        ++calls;
        return m_inner.read(offset, buf, len);
    }
    mutable std::atomic<uint64_t> bytes{0}, calls{0};

  private:
    MemorySource m_inner;
};

struct Cost {
    size_t peakAlloc = 0, peakParse = 0, peakJson = 0; // overall, after parse+scan, after JSON
    uint64_t bytesRead = 0, fileSize = 0;
    size_t findings = 0;
    int exitCode = 0;
};

// Everything the CLI and the GUI do with an image: parse, scan, both reports.
Cost measure(std::vector<uint8_t> bytes) {
    Cost c;
    c.fileSize = bytes.size();
    auto src = std::make_shared<CountingSource>(std::move(bytes));
    alloc::resetPeak();
    const size_t base = alloc::current();
    {
        auto img = Image::parse(src);
        img->scanBat();
        c.peakParse = alloc::peak() - base;
        const std::string json = reportJson(*img);
        c.peakJson = alloc::peak() - base;
        const std::string text = reportText(*img);
        c.findings = img->findings().items().size();
        c.exitCode = exitCodeFor(*img);
    }
    c.peakAlloc = alloc::peak() - base;
    c.bytesRead = src->bytes;
    return c;
}

void checkCost(const Cost& c, int exitCode = 1) {
    qInfo("file %llu B, peak heap %zu B (parse+scan %zu, +JSON %zu), read %llu B, %zu findings",
          (unsigned long long)c.fileSize, c.peakAlloc, c.peakParse, c.peakJson,
          (unsigned long long)c.bytesRead, c.findings);
    QVERIFY2(c.peakAlloc <= kAllocBound, qPrintable(QString::number(c.peakAlloc)));
    QVERIFY2(c.bytesRead <= readBound(c.fileSize), qPrintable(QString::number(c.bytesRead)));
    QCOMPARE(c.exitCode, exitCode);
}

ImageSpec smallSpec() {
    ImageSpec s;
    s.blockSize = MiB;
    s.virtualSize = 64 * MiB;
    s.blocks = {{0, bat::FullyPresent}};
    return s;
}

void setRegionEntry(BuiltImage& img, size_t i, const Guid& g, uint64_t off, uint32_t len,
                    uint32_t req) {
    for (int t = 0; t < 2; ++t) {
        const uint64_t e = img.regionTableOffset[t] + field::regionEntries + 32 * i;
        putGuid(img, e, g);
        putU64(img, e + field::regionEntryOffset, off);
        putU32(img, e + field::regionEntryLength, len);
        putU32(img, e + field::regionEntryRequired, req);
    }
}

void sealRegionTables(BuiltImage& img) {
    resealRegionTable(img, 1);
    resealRegionTable(img, 2);
}

Guid numberedGuid(uint32_t i) {
    uint8_t b[16] = {0xEE, 0xEE};
    putLe32(b + 4, i);
    return Guid::fromDisk(b);
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT
  private slots:
    // The counting operator new is the one in use (not the sanitizer's or the library's).
    void allocatorCounts() {
        alloc::resetPeak();
        const size_t base = alloc::current();
        {
            const std::vector<uint8_t> probe(MiB, 1);
            QVERIFY(probe[MiB - 1] == 1);
        }
        QVERIFY(alloc::peak() - base >= MiB);
        QCOMPARE(alloc::current(), base);
    }
    void regionCountMax() {
        BuiltImage img = buildImage(smallSpec());
        for (int t = 0; t < 2; ++t)
            putU32(img, img.regionTableOffset[t] + field::regionEntryCount, 0xFFFFFFFFu);
        for (size_t i = 2; i < 2047; ++i) {
            if (i % 2)
                setRegionEntry(img, i, numberedGuid(uint32_t(i)), UINT64_MAX, UINT32_MAX, 1);
            else
                setRegionEntry(img, i, guids::batRegion, 0, UINT32_MAX, UINT32_MAX);
        }
        sealRegionTables(img);
        checkCost(measure(img.bytes));
    }

    void metadataCountMax_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("distinct unknown items, all overlapping") << 0;
        QTest::newRow("one known item 2047 times") << 1;
        QTest::newRow("offsets and lengths at max") << 2;
    }
    void metadataCountMax() {
        QFETCH(int, kind);
        BuiltImage img = buildImage(smallSpec());
        // The region claims 4 GiB - 1 MiB, so that every item is "inside" it.
        setRegionEntry(img, 1, guids::metadataRegion, img.metadataOffset, 0xFFF00000u, 1);
        sealRegionTables(img);
        putU16(img, img.metadataOffset + field::metadataEntryCount, 0xFFFF);
        for (uint32_t i = 0; i < 2047; ++i) {
            const uint64_t e = img.metadataOffset + field::metadataEntries + 32 * i;
            putGuid(img, e, kind == 1 ? guids::fileParameters : numberedGuid(i));
            putU32(img, e + field::metadataEntryOffset, kind == 2 ? UINT32_MAX : 64 * 1024);
            putU32(img, e + field::metadataEntryLength, kind == 2 ? UINT32_MAX : 1024 * 1024);
            putU32(img, e + field::metadataEntryFlags, kind == 2 ? UINT32_MAX : 4);
        }
        checkCost(measure(img.bytes));
    }

    // Every 4 KiB sector of an 8 MiB log is a "loge" claiming EntryLength = LogLength and
    // DescriptorCount = 2^32-1.
    void logEverySectorAnEntry() {
        ImageSpec spec = smallSpec();
        spec.logGuid = Guid::parse("01234567-89ab-cdef-0123-456789abcdef").value();
        spec.logLength = 8 * 1024 * 1024;
        BuiltImage img = buildImage(spec);
        for (uint64_t s = 0; s < img.logLength; s += 4096) {
            const uint64_t at = img.logOffset + s;
            std::memcpy(img.bytes.data() + at, "loge", 4);
            putU32(img, at + field::logEntryLength, uint32_t(img.logLength));
            putU32(img, at + field::logTail, 0);
            putU64(img, at + field::logSequence, 1 + s / 4096);
            putU32(img, at + field::logDescriptorCount, UINT32_MAX);
            putGuid(img, at + field::logGuid, spec.logGuid);
            fixChecksum(img.bytes, at, img.logLength - s); // a valid CRC for some of them
        }
        checkCost(measure(img.bytes), 0); // invalid entries are only informational
        // On-demand descriptor reads are bounded per call by their limit.
        auto src = std::make_shared<CountingSource>(img.bytes);
        auto parsed = Image::parse(src);
        QCOMPARE(parsed->log().entries.size(), size_t(img.logLength / 4096));
        for (const LogEntry& e : parsed->log().entries) {
            src->bytes = 0;
            const auto d = readLogDescriptors(*src, parsed->log(), e, 4096);
            QVERIFY(d.size() <= 4096);
            QVERIFY(src->bytes <= (4096 / 126 + 2) * 4096);
        }
    }

    // A 256 MiB log whose every sector is a small damaged entry: 65536 candidates, of which
    // the log analysis keeps maxLogEntries, all listed in both reports.
    void logEntriesAtTheirCap() {
        ImageSpec spec = smallSpec();
        spec.logGuid = Guid::parse("01234567-89ab-cdef-0123-456789abcdef").value();
        spec.logLength = 256 * 1024 * 1024;
        BuiltImage img = buildImage(spec);
        for (uint64_t s = 0; s < img.logLength; s += 4096) {
            const uint64_t at = img.logOffset + s;
            std::memcpy(img.bytes.data() + at, "loge", 4);
            putU32(img, at + field::logEntryLength, 4096);
            putU64(img, at + field::logSequence, 1 + s / 4096);
            putGuid(img, at + field::logGuid, spec.logGuid);
        }
        checkCost(measure(std::move(img.bytes)), 0);
    }

    // The metadata claims 64 TiB with 1 MiB blocks (67,633,152 entries); the BAT region and
    // the file are tiny. Every entry the file does hold says FULLY_PRESENT at the same place.
    void bat64TiBInTinyFile() {
        BuiltImage img = buildImage(smallSpec());
        const MetadataItemPlace* vds = img.item(guids::virtualDiskSize);
        QVERIFY(vds);
        putU64(img, vds->dataOffset, 64ull * TiB);
        setRegionEntry(img, 0, guids::batRegion, img.batOffset, 0xFFF00000u, 1);
        sealRegionTables(img);
        for (uint64_t i = 0; i < img.batLength / 8; ++i)
            setBatEntry(img, i, bat::entry(bat::FullyPresent, img.bytes.size() - MiB));
        checkCost(measure(img.bytes));
    }

    // A 1 MiB parent locator with 65535 entries whose keys and values all cover the same
    // 64 KiB of the item.
    void parentLocator65535() {
        std::vector<uint8_t> item(MiB, 0x41);
        guids::parentLocatorTypeVhdx.toDisk(item.data());
        putLe16(item.data() + 16, 0);
        putLe16(item.data() + 18, 0xFFFF);
        for (size_t i = 0; i < 0xFFFF; ++i) {
            uint8_t* e = item.data() + 20 + 12 * i;
            putLe32(e, uint32_t(MiB - 65534));
            putLe32(e + 4, uint32_t(MiB - 65534));
            putLe16(e + 8, 65534);
            putLe16(e + 10, 65534);
        }
        alloc::resetPeak();
        const size_t base = alloc::current();
        {
            const ParentLocator pl = decodeParentLocator(item.data(), item.size());
            QVERIFY(!pl.valid);
        }
        QVERIFY2(alloc::peak() - base <= kAllocBound,
                 qPrintable(QString::number(alloc::peak() - base)));

        // The same item inside an image (HasParent, the item in the metadata region).
        ImageSpec spec = smallSpec();
        spec.hasParent = true;
        spec.writeParentLocator = false;
        spec.extraItems = {{guids::parentLocator, item, 0}};
        checkCost(measure(buildImage(spec).bytes));
    }
};

QTEST_GUILESS_MAIN(TestLimits)
#include "tst_limits.moc"
