// The guest's partition table and filesystems, found by libblkid on a probe memfd that is
// filled from the virtual disk as libblkid reads it (probe_device.h, probe_read_hook.c).
#include "vhdx/guest_partitions.h"

#include <blkid/blkid.h>
#include <cstdio>
#include <mutex>

#include "probe_device.h"
#include "probe_read_hook.h"
#include "vhdx/virtual_disk.h"

namespace vhdx {

namespace {

// One probe at a time: the read hook serves one descriptor.
std::mutex g_probeMutex;

void fillHook(void* context, uint64_t offset, size_t length) {
    static_cast<detail::ProbeDevice*>(context)->fill(offset, length);
}

std::string lookup(blkid_probe pr, const char* name) {
    const char* data = nullptr;
    size_t len = 0;
    if (blkid_probe_lookup_value(pr, name, &data, &len) != 0 || !data)
        return {};
    std::string s(data, len);
    while (!s.empty() && s.back() == '\0') // libblkid counts the terminating NUL
        s.pop_back();
    return s;
}

// Probes superblocks (filesystem, raid, crypto) on [offset, offset+size) of the device.
std::optional<GuestFilesystem> probeFilesystem(int fd, uint64_t offset, uint64_t size,
                                               unsigned sectorSize, std::string& problem) {
    blkid_probe pr = blkid_new_probe();
    if (!pr) {
        problem = "libblkid could not create a probe";
        return std::nullopt;
    }
    std::optional<GuestFilesystem> fs;
    if (blkid_probe_set_device(pr, fd, blkid_loff_t(offset), blkid_loff_t(size)) == 0) {
        blkid_probe_set_sectorsize(pr, sectorSize);
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
                                                  BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
        blkid_probe_enable_partitions(pr, 0);
        const int rc = blkid_do_safeprobe(pr);
        if (rc == 0 && !lookup(pr, "TYPE").empty())
            fs = GuestFilesystem{lookup(pr, "TYPE"), lookup(pr, "LABEL"), lookup(pr, "UUID"),
                                 lookup(pr, "USAGE")};
        else if (rc == -2)
            problem = "libblkid found more than one signature at offset " + std::to_string(offset);
    } else {
        problem = "libblkid could not use the probe device";
    }
    blkid_free_probe(pr);
    return fs;
}

GuestPartition partitionOf(blkid_partition par, const std::string& tableType) {
    GuestPartition p;
    p.number = uint64_t(std::max(0, blkid_partition_get_partno(par)));
    // libblkid counts partitions in 512-byte units whatever the sector size. A hostile table
    // can name any 64-bit start: one past 2^64 bytes is kept as the largest value (and is
    // beyond the disk, so not probed).
    const uint64_t start = uint64_t(std::max<blkid_loff_t>(0, blkid_partition_get_start(par)));
    const uint64_t size = uint64_t(std::max<blkid_loff_t>(0, blkid_partition_get_size(par)));
    if (__builtin_mul_overflow(start, 512, &p.start))
        p.start = UINT64_MAX;
    if (__builtin_mul_overflow(size, 512, &p.size))
        p.size = UINT64_MAX;
    if (tableType == "gpt") {
        if (const char* t = blkid_partition_get_type_string(par))
            p.type = t;
    } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", unsigned(blkid_partition_get_type(par)) & 0xFFu);
        p.type = hex;
    }
    if (const char* n = blkid_partition_get_name(par))
        p.name = n;
    if (const char* u = blkid_partition_get_uuid(par))
        p.uuid = u;
    p.logical = blkid_partition_is_logical(par);
    p.extended = blkid_partition_is_extended(par);
    return p;
}

} // namespace

GuestProbe probeGuest(const VirtualDisk& disk, const GuestProbeOptions& options) {
    GuestProbe result;
    std::lock_guard lock(g_probeMutex);
    detail::ProbeDevice device(disk, options.maxBytes);
    if (!device.error().empty()) {
        result.problem = device.error();
        return result;
    }
    // Without the read hook (a build whose sanitizer runtime wraps read()), libblkid sees
    // only what is loaded beforehand: the first and last MiB, where partition tables live.
    device.fill(0, 1 << 20);
    device.fill(disk.size() - std::min<uint64_t>(disk.size(), 1 << 20), 1 << 20);
    vhdx_probe_hook_set(device.fd(), &fillHook, &device);
    const unsigned sectorSize = unsigned(disk.sectorSize());

    blkid_probe pr = blkid_new_probe();
    if (!pr || blkid_probe_set_device(pr, device.fd(), 0, blkid_loff_t(disk.size())) != 0) {
        vhdx_probe_hook_clear();
        if (pr)
            blkid_free_probe(pr);
        result.problem = "libblkid could not use the probe device";
        return result;
    }
    result.performed = true;
    blkid_probe_set_sectorsize(pr, sectorSize);
    blkid_probe_enable_partitions(pr, 1);
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID |
                                              BLKID_SUBLKS_TYPE | BLKID_SUBLKS_USAGE);
    const int rc = blkid_do_safeprobe(pr);
    if (rc == -2)
        result.problem = "libblkid found more than one signature on the whole disk";
    if (rc == 0 && !lookup(pr, "TYPE").empty())
        result.filesystem = GuestFilesystem{lookup(pr, "TYPE"), lookup(pr, "LABEL"),
                                            lookup(pr, "UUID"), lookup(pr, "USAGE")};
    blkid_partlist list = rc == 0 ? blkid_probe_get_partitions(pr) : nullptr;
    blkid_parttable table = list ? blkid_partlist_get_table(list) : nullptr;
    if (table) {
        GuestPartitionTable t;
        if (const char* type = blkid_parttable_get_type(table))
            t.type = type;
        if (const char* id = blkid_parttable_get_id(table))
            t.id = id;
        const int count = blkid_partlist_numof_partitions(list);
        for (int i = 0; i < count; ++i) {
            if (t.partitions.size() >= options.maxPartitions) {
                t.truncated = true;
                break;
            }
            if (blkid_partition par = blkid_partlist_get_partition(list, i))
                t.partitions.push_back(partitionOf(par, t.type));
        }
        result.table = std::move(t);
    }
    blkid_free_probe(pr);

    if (result.table)
        for (GuestPartition& p : result.table->partitions) {
            if (p.extended || p.size == 0 || p.start >= disk.size())
                continue;
            const uint64_t size = std::min(p.size, disk.size() - p.start);
            std::string problem;
            p.filesystem = probeFilesystem(device.fd(), p.start, size, sectorSize, problem);
            p.probed = true;
            if (!problem.empty() && result.problem.empty())
                result.problem = "partition " + std::to_string(p.number) + ": " + problem;
        }
    vhdx_probe_hook_clear();

    result.bytesRead = device.bytesRead();
    result.limited = device.limited();
    result.missingParentReadAsZeros = device.missingParentReadAsZeros();
    if (result.problem.empty())
        result.problem = device.readProblem();
    return result;
}

} // namespace vhdx
