#pragma once
// Compares two (sparse) files by content without reading their common holes: a 64 TiB raw
// export is mostly hole. Walks the union of both files' data segments (SEEK_DATA/SEEK_HOLE).
#include <QString>

#include <algorithm>
#include <cstdint>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace vhdx::test {

inline uint64_t nextDataAt(int fd, uint64_t at, uint64_t size) {
    const off_t r = ::lseek(fd, off_t(at), SEEK_DATA);
    return r < 0 ? size : uint64_t(r);
}
inline uint64_t holeAt(int fd, uint64_t at, uint64_t size) {
    const off_t r = ::lseek(fd, off_t(at), SEEK_HOLE);
    return r < 0 ? size : uint64_t(r);
}

// True when both files have the same size and bytes; why says where they differ.
inline bool sameSparseContent(const QString& a, const QString& b, QString& why) {
    const int fa = ::open(a.toLocal8Bit().constData(), O_RDONLY);
    const int fb = ::open(b.toLocal8Bit().constData(), O_RDONLY);
    struct stat sa {
    }, sb{};
    bool ok = fa >= 0 && fb >= 0 && ::fstat(fa, &sa) == 0 && ::fstat(fb, &sb) == 0;
    if (!ok)
        why = "cannot open both files";
    else if (sa.st_size != sb.st_size) {
        ok = false;
        why = QString("sizes differ: %1 vs %2").arg(sa.st_size).arg(sb.st_size);
    }
    const uint64_t size = ok ? uint64_t(sa.st_size) : 0;
    std::vector<char> ba(1 << 20), bb(1 << 20);
    for (uint64_t pos = 0; ok && pos < size;) {
        const uint64_t start = std::min(nextDataAt(fa, pos, size), nextDataAt(fb, pos, size));
        if (start >= size)
            break;
        const uint64_t end = std::max(holeAt(fa, start, size), holeAt(fb, start, size));
        for (uint64_t p = start; ok && p < end;) {
            const size_t n = size_t(std::min<uint64_t>(ba.size(), end - p));
            if (::pread(fa, ba.data(), n, off_t(p)) != ssize_t(n) ||
                ::pread(fb, bb.data(), n, off_t(p)) != ssize_t(n)) {
                ok = false;
                why = QString("read failed at %1").arg(p);
            } else if (!std::equal(ba.begin(), ba.begin() + n, bb.begin())) {
                const auto m = std::mismatch(ba.begin(), ba.begin() + n, bb.begin());
                ok = false;
                why = QString("first difference at byte %1").arg(p + (m.first - ba.begin()));
            }
            p += n;
        }
        pos = end;
    }
    if (fa >= 0)
        ::close(fa);
    if (fb >= 0)
        ::close(fb);
    return ok;
}

} // namespace vhdx::test
