#pragma once
/* Lets the guest-partition probe fill its sparse memfd just before libblkid reads a range of
 * it (probe_read_hook.c). C linkage: the hook itself is C. */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*vhdx_probe_fill_fn)(void* context, uint64_t offset, size_t length);

/* Reads of fd (read, pread, pread64) call fill(context, offset, length) first. One descriptor
 * at a time; the caller serialises probes. */
void vhdx_probe_hook_set(int fd, vhdx_probe_fill_fn fill, void* context);
void vhdx_probe_hook_clear(void);
/* Non-zero once a hooked read went through this file's definitions: false in builds where
 * another definition of read() wins (a sanitizer runtime linked statically). */
int vhdx_probe_hook_seen(void);

#ifdef __cplusplus
}
#endif
