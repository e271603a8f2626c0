/* Which bytes does libblkid need? It has no hook for that, and a table of where each
 * filesystem keeps its superblock (and, for NTFS, its label in the MFT, anywhere on the
 * volume) is what this project leaves to libblkid. So the probe gives libblkid a sparse memfd
 * and fills each range from the virtual disk just before libblkid reads it: these definitions
 * of read/pread/pread64 take precedence over libc's in the whole process (the executable's
 * symbols come first in dynamic lookup, libblkid's calls included). For any descriptor but the
 * probe's they are the plain system call. They are weak so that a runtime that must wrap
 * read() itself (a statically linked sanitizer) keeps its own; the probe then sees only what
 * it loaded beforehand. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe_read_hook.h"

static _Atomic int g_fd = -1;
static _Atomic int g_seen = 0;
static vhdx_probe_fill_fn g_fill;
static void* g_context;

void vhdx_probe_hook_set(int fd, vhdx_probe_fill_fn fill, void* context) {
    g_fill = fill;
    g_context = context;
    atomic_store(&g_fd, fd);
}

void vhdx_probe_hook_clear(void) {
    atomic_store(&g_fd, -1);
}

int vhdx_probe_hook_seen(void) {
    return atomic_load(&g_seen);
}

static void before_read(int fd, long long offset, size_t length) {
    if (fd < 0 || fd != atomic_load(&g_fd))
        return;
    atomic_store(&g_seen, 1);
    if (offset >= 0) {
        const int saved = errno;
        g_fill(g_context, (uint64_t)offset, length);
        errno = saved;
    }
}

__attribute__((weak)) ssize_t read(int fd, void* buf, size_t n) {
    if (fd >= 0 && fd == atomic_load(&g_fd))
        before_read(fd, (long long)syscall(SYS_lseek, fd, 0L, SEEK_CUR), n);
    return (ssize_t)syscall(SYS_read, fd, buf, n);
}

__attribute__((weak)) ssize_t pread(int fd, void* buf, size_t n, off_t offset) {
    before_read(fd, (long long)offset, n);
    return (ssize_t)syscall(SYS_pread64, fd, buf, n, offset);
}

__attribute__((weak)) ssize_t pread64(int fd, void* buf, size_t n, off_t offset) {
    before_read(fd, (long long)offset, n);
    return (ssize_t)syscall(SYS_pread64, fd, buf, n, offset);
}
