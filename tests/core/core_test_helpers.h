#pragma once
// Shared helpers of the core tests: parse builder bytes, look findings up, print them in
// failure messages.
#include <QString>
#include <QTest>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "image_builder.h"
#include "vhdx/bytes.h"
#include "vhdx/chain_forest.h"
#include "vhdx/image.h"

namespace vhdx::test {

inline QString qs(const std::string& s) {
    return QString::fromStdString(s);
}
inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// A memory source whose reads touching [from, to) fail with `status` (IoError unless told);
// with `maxLen`, only reads of at most that many bytes fail (a scan's large reads succeed,
// the re-reads of single sectors or fields do not).
class FailingSource final : public ByteSource {
  public:
    FailingSource(std::vector<uint8_t> bytes, uint64_t from, uint64_t to,
                  ReadStatus status = ReadStatus::IoError, size_t maxLen = SIZE_MAX)
        : m_mem(std::move(bytes)), m_from(from), m_to(to), m_status(status), m_maxLen(maxLen) {}
    uint64_t size() const override { return m_mem.size(); }
    ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (len <= m_maxLen && rangesOverlap(offset, len, m_from, m_to - m_from))
            return m_status;
        return m_mem.read(offset, buf, len);
    }

  private:
    MemorySource m_mem;
    uint64_t m_from, m_to;
    ReadStatus m_status;
    size_t m_maxLen;
};

// 10 GiB, 32 MiB blocks, ratio 128: 320 payload entries and 2 bitmap slots (128, 257).
inline ImageSpec tenGiB() {
    ImageSpec spec;
    spec.virtualSize = 10 * GiB;
    return spec;
}

// Parses bytes held in memory and runs the BAT scan, as the CLI does for files.
inline std::unique_ptr<Image> parseAndScan(std::vector<uint8_t> bytes) {
    auto image = Image::parse(std::make_shared<MemorySource>(std::move(bytes)));
    image->scanBat();
    return image;
}
inline std::unique_ptr<Image> parseAndScan(const BuiltImage& built) {
    return parseAndScan(built.bytes);
}

// The report's name of the structure a finding concerns ("header1", "metadata:<name>").
inline std::string key(const Image& image, const Finding& f) {
    return structureKey(f.where, image.metadata());
}

inline std::vector<Finding> findingsWith(const Findings& findings, FindingCode code) {
    std::vector<Finding> out;
    for (const Finding& f : findings.items())
        if (f.code == code)
            out.push_back(f);
    return out;
}
inline std::vector<Finding> findingsWith(const Image& image, FindingCode code) {
    return findingsWith(image.findings(), code);
}

inline std::vector<ChainFinding> findingsWith(const ChainFindings& findings, FindingCode code) {
    std::vector<ChainFinding> out;
    for (const ChainFinding& f : findings.items())
        if (f.code == code)
            out.push_back(f);
    return out;
}

inline QString describe(const ChainFindings& findings) {
    QString out;
    for (const ChainFinding& f : findings.items())
        out +=
            QStringLiteral("\n  %1 %2 %3: %4")
                .arg(qs(severityName(f.severity)), qs(codeName(f.code)), qs(f.path), qs(f.message));
    return out.isEmpty() ? QStringLiteral(" (no findings)") : out;
}

// One line per finding, for failure messages.
inline QString describe(const Findings& findings, const Metadata& md = {}) {
    QString out;
    for (const Finding& f : findings.items())
        out += QStringLiteral("\n  %1 %2 %3 @%4: %5")
                   .arg(qs(severityName(f.severity)), qs(codeName(f.code)),
                        qs(structureKey(f.where, md)))
                   .arg(f.offset)
                   .arg(qs(f.message));
    return out.isEmpty() ? QStringLiteral(" (no findings)") : out;
}
inline QString describe(const Image& image) {
    return describe(image.findings(), image.metadata());
}

inline QString errorList(const Image& image) {
    Findings errors;
    for (const Finding& f : image.findings().items())
        if (f.severity == Severity::Error)
            errors.add(f.severity, f.code, f.where, f.offset, f.message, f.spec);
    return describe(errors, image.metadata());
}

} // namespace vhdx::test

// The image has a finding with this code; its first one is copied into `var`.
#define VHDX_REQUIRE_FINDING(image, code, var)                                                     \
    const auto var##_all = ::vhdx::test::findingsWith(image, code);                                \
    QVERIFY2(!var##_all.empty(), qPrintable(QStringLiteral("expected %1, got:%2")                  \
                                                .arg(::vhdx::test::qs(::vhdx::codeName(code)),     \
                                                     ::vhdx::test::describe(image))));             \
    const auto& var = var##_all.front()

#define VHDX_REQUIRE_NO_FINDING(image, code)                                                       \
    QVERIFY2(::vhdx::test::findingsWith(image, code).empty(),                                      \
             qPrintable(QStringLiteral("unexpected %1 in:%2")                                      \
                            .arg(::vhdx::test::qs(::vhdx::codeName(code)),                         \
                                 ::vhdx::test::describe(image))))

#define VHDX_REQUIRE_NO_ERRORS(image)                                                              \
    QVERIFY2(                                                                                      \
        !(image).findings().hasErrors(),                                                           \
        qPrintable(QStringLiteral("unexpected errors:%1").arg(::vhdx::test::errorList(image))))

#define VHDX_COMPARE_STR(actual, expected)                                                         \
    QCOMPARE(::vhdx::test::qs(actual), QString::fromUtf8(expected))
