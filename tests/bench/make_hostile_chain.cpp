// Writes the hostile parent chain for the figures in docs/ROBUSTNESS.md:
// N differencing images, each the child of the next (relative_path), each with a sparse log
// of LOG_MIB MiB whose first five sectors are "loge" entries claiming EntryLength = LogLength
// (checksums wrong). A reader that checksums each claimed entry by reading it reads the log
// five times over, for every image of the chain.
// Usage: make_hostile_chain DIR N LOG_MIB   (the chain starts at DIR/chain0.vhdx)
#include <QFile>
#include <QString>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "image_builder.h"
#include "test_files.h"
#include "vhdx/bytes.h"

using namespace vhdx;
using namespace vhdx::test;

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: make_hostile_chain DIR N LOG_MIB\n");
        return 2;
    }
    const QString dir = QString::fromLocal8Bit(argv[1]);
    const int n = std::atoi(argv[2]);
    const uint64_t logLength = uint64_t(std::atoll(argv[3])) * MiB;
    if (n < 1 || logLength < MiB || logLength > 4095 * MiB) {
        std::fprintf(stderr, "N >= 1, 1 <= LOG_MIB <= 4095\n");
        return 2;
    }
    const Guid logGuid = *Guid::parse("0badc0de-0000-4000-8000-000000000001");
    for (int i = 0; i < n; ++i) {
        ImageSpec spec;
        spec.dataWriteGuid = Guid::random();
        spec.hasParent = i + 1 < n;
        if (spec.hasParent)
            spec.parentLocator = {{"parent_linkage", "{00000000-0000-0000-0000-000000000000}"},
                                  {"relative_path", "chain" + std::to_string(i + 1) + ".vhdx"}};
        BuiltImage b = buildImage(spec);
        for (int slot = 1; slot <= 2; ++slot) {
            putU32(b, b.headerOffset[slot - 1] + field::headerLogLength, uint32_t(logLength));
            putGuid(b, b.headerOffset[slot - 1] + field::headerLogGuid, logGuid);
            resealHeader(b, slot);
        }
        for (uint64_t k = 0; k < 5; ++k) {
            const uint64_t at = b.logOffset + k * 4096;
            std::memcpy(b.bytes.data() + at, "loge", 4);
            putU32(b, at + field::logEntryLength, uint32_t(logLength));
            putU64(b, at + field::logSequence, 100 + k);
            putGuid(b, at + field::logGuid, logGuid);
        }
        const QString path = writeImageFile(dir, QStringLiteral("chain%1.vhdx").arg(i), b.bytes);
        const uint64_t size = std::max<uint64_t>(b.bytes.size(), b.logOffset + logLength);
        if (path.isEmpty() || ::truncate(QFile::encodeName(path).constData(), off_t(size)) != 0) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    std::printf("%s/chain0.vhdx: a chain of %d images, logs of %llu MiB\n", argv[1], n,
                (unsigned long long)(logLength / MiB));
    return 0;
}
