// Listing the images of a folder for the chain forest: an explicit stack of directories read
// with opendir/readdir (no recursion depth to overflow, no symlinked directory followed, so
// no loop), and a bounded heap that keeps the first maxImages paths in order.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <queue>
#include <sys/stat.h>

#include "chain_forest_internal.h"

namespace vhdx::detail {

namespace {

bool hasImageExtension(const std::string& name) {
    auto endsWith = [&](const char* ext) {
        const size_t n = std::strlen(ext);
        if (name.size() <= n)
            return false;
        for (size_t i = 0; i < n; ++i) {
            const char c = name[name.size() - n + i];
            if ((c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c) != ext[i])
                return false;
        }
        return true;
    };
    return endsWith(".vhdx") || endsWith(".avhdx");
}

std::string join(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
}

class Lister {
  public:
    Lister(const std::string& folder, size_t maxImages, FolderListing& out)
        : m_folder(folder), m_max(maxImages), m_out(out) {}

    // Lists one directory (relative path); false when it cannot be opened.
    bool list(const std::string& rel, std::vector<std::string>& subdirs, std::string& error) {
        const std::string full = rel.empty() ? m_folder : m_folder + "/" + rel;
        DIR* dir = ::opendir(full.c_str());
        if (!dir) {
            error = std::strerror(errno);
            return false;
        }
        errno = 0;
        while (const dirent* e = ::readdir(dir)) {
            const std::string name = e->d_name;
            if (name == "." || name == "..")
                continue;
            unsigned char type = e->d_type;
            if (type == DT_UNKNOWN) {
                struct stat st {};
                const std::string path = full + "/" + name;
                type = ::lstat(path.c_str(), &st) != 0 ? DT_UNKNOWN
                       : S_ISDIR(st.st_mode)           ? DT_DIR
                       : S_ISLNK(st.st_mode)           ? DT_LNK
                                                       : DT_REG;
            }
            if (type == DT_DIR)
                subdirs.push_back(join(rel, name));
            else if (hasImageExtension(name))
                keep(join(rel, name));
            errno = 0;
        }
        const int readError = errno;
        ::closedir(dir);
        if (readError) {
            error = std::strerror(readError);
            return false;
        }
        return true;
    }

    void finish() {
        m_out.files.resize(m_first.size());
        for (size_t i = m_first.size(); i-- > 0; m_first.pop())
            m_out.files[i] = m_first.top();
    }

  private:
    // Keeps the smallest maxImages paths: a max-heap whose top is dropped when it overflows.
    void keep(std::string path) {
        m_first.push(std::move(path));
        if (m_first.size() > m_max) {
            m_first.pop();
            ++m_out.filesPastLimit;
        }
    }

    const std::string& m_folder;
    size_t m_max;
    FolderListing& m_out;
    std::priority_queue<std::string> m_first;
};

} // namespace

bool listImageFiles(const std::string& folder, bool recursive, size_t maxImages, FolderListing& out,
                    std::string& error) {
    Lister lister(folder, maxImages, out);
    std::vector<std::string> pending;
    if (!lister.list("", pending, error)) {
        error = "cannot read the folder '" + folder + "': " + error;
        return false;
    }
    if (!recursive)
        pending.clear();
    while (!pending.empty()) {
        const std::string rel = std::move(pending.back());
        pending.pop_back();
        std::string why;
        if (!lister.list(rel, pending, why))
            out.unreadableDirectories.emplace_back(rel, why);
    }
    lister.finish();
    std::sort(out.unreadableDirectories.begin(), out.unreadableDirectories.end());
    return true;
}

} // namespace vhdx::detail
