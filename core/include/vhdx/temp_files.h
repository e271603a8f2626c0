#pragma once
// Files written beside their final name under a temporary one (".NAME.TAG-XXXXXX" in the same
// folder, so that the final rename or link stays on one file system), flock()ed while they are
// written: one left by a writer that was killed (SIGKILL, a crash) is unlocked, and the next
// writer to the same final name removes it; one of a writer still running is left alone.
#include <string>
#include <sys/types.h>
#include <vector>

namespace vhdx {

struct TemporaryFile {
    int fd = -1;      // open read-write, locked (flock LOCK_EX)
    std::string path; // ".NAME.TAG-XXXXXX" beside the final name
};

// Creates the temporary file of finalPath with mode (less the umask). False with error and
// errno set.
[[nodiscard]] bool createTemporaryBeside(const std::string& finalPath, const std::string& tag,
                                         mode_t mode, TemporaryFile& out, std::string& error);

// Removes the temporary files of finalPath and tag that no running writer holds (regular
// files of this user, unlocked). Returns the paths removed.
[[nodiscard]] std::vector<std::string> removeStaleTemporaries(const std::string& finalPath,
                                                              const std::string& tag);

// The folder of a path ("." for a bare name, "/" for a name in the root).
[[nodiscard]] std::string folderOf(const std::string& path);
// fsync of a folder, making its entries durable. False with errno set.
[[nodiscard]] bool syncFolder(const std::string& dir);

} // namespace vhdx
