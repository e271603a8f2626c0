#include "counting_alloc.h"

#include <atomic>
#include <cstdlib>
#include <malloc.h>
#include <new>

namespace {

std::atomic<size_t> g_current{0};
std::atomic<size_t> g_peak{0};

void* track(void* p) {
    if (!p)
        return p;
    const size_t now = g_current.fetch_add(malloc_usable_size(p)) + malloc_usable_size(p);
    size_t seen = g_peak.load();
    while (now > seen && !g_peak.compare_exchange_weak(seen, now)) {
    }
    return p;
}

void untrack(void* p) {
    if (p) {
        g_current.fetch_sub(malloc_usable_size(p));
        std::free(p);
    }
}

void* allocate(size_t n, size_t align, bool nothrow) {
    n = n ? n : 1;
    void* p = align <= alignof(std::max_align_t)
                  ? std::malloc(n)
                  : std::aligned_alloc(align, (n + align - 1) / align * align);
    if (!p && !nothrow)
        throw std::bad_alloc();
    return track(p);
}

} // namespace

namespace vhdx::test::alloc {
size_t current() {
    return g_current.load();
}
size_t peak() {
    return g_peak.load();
}
void resetPeak() {
    g_peak.store(g_current.load());
}
} // namespace vhdx::test::alloc

// NOLINTBEGIN: the replaceable global allocation functions ([new.delete]).
void* operator new(size_t n) {
    return allocate(n, 0, false);
}
void* operator new[](size_t n) {
    return allocate(n, 0, false);
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    return allocate(n, 0, true);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
    return allocate(n, 0, true);
}
void* operator new(size_t n, std::align_val_t a) {
    return allocate(n, size_t(a), false);
}
void* operator new[](size_t n, std::align_val_t a) {
    return allocate(n, size_t(a), false);
}
void operator delete(void* p) noexcept {
    untrack(p);
}
void operator delete[](void* p) noexcept {
    untrack(p);
}
void operator delete(void* p, size_t) noexcept {
    untrack(p);
}
void operator delete[](void* p, size_t) noexcept {
    untrack(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    untrack(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    untrack(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
    untrack(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
    untrack(p);
}
// NOLINTEND
