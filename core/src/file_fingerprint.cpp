// The changed-on-disk guard: what the file looked like when read, compared before writing.
#include <algorithm>

#include "header_update_internal.h"
#include "vhdx/bytes.h"
#include "vhdx/layout.h"

namespace vhdx::detail {

bool readFingerprint(HeaderWriter& file, FileFingerprint& out, std::string& error) {
    if (!file.stat(out.stat)) {
        error = "cannot stat the file";
        return false;
    }
    out.head.assign(std::min<uint64_t>(out.stat.size, layout::headerSectionSize), 0);
    if (!out.head.empty() && !file.pread(out.head.data(), out.head.size(), 0)) {
        error = "cannot read the first " + std::to_string(out.head.size()) + " bytes";
        return false;
    }
    // The size again: a file that shrank or grew while its start was read is not stable.
    FileStat after;
    if (!file.stat(after) || !(after == out.stat)) {
        error = "the file changed while it was being read";
        return false;
    }
    return true;
}

std::string fingerprintDifference(const FileFingerprint& before, const FileFingerprint& now) {
    const FileStat &a = before.stat, &b = now.stat;
    if (a.device != b.device || a.inode != b.inode)
        return "the path now names a different file (device/inode changed)";
    if (a.size != b.size)
        return "its size changed from " + std::to_string(a.size) + " to " + std::to_string(b.size) +
               " bytes";
    if (before.head != now.head) {
        const auto m =
            std::mismatch(before.head.begin(), before.head.end(), now.head.begin(), now.head.end());
        return "its first MiB changed (first difference at byte " +
               std::to_string(m.first - before.head.begin()) + ")";
    }
    if (a.mtimeNs != b.mtimeNs)
        return "its modification time changed";
    if (a.ctimeNs != b.ctimeNs)
        return "its status-change time changed (written to, or its attributes changed)";
    return {};
}

} // namespace vhdx::detail
