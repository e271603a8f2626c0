#pragma once
// The guest's partitions and filesystems, as libblkid (util-linux) finds them on the virtual
// disk: the partition table (MBR "dos" or GPT) with each partition, the filesystem at each
// partition's start, or a filesystem on the whole disk. libblkid probes a sparse memfd that
// holds the virtual disk; each range is filled through the VirtualDisk just before libblkid
// reads it (probe_read_hook.c), up to a byte budget.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vhdx {

class VirtualDisk;

struct GuestFilesystem {
    std::string type; // libblkid's TYPE: "xfs", "btrfs", "ntfs", "vfat", "swap", ...
    std::string label;
    std::string uuid;
    std::string usage; // "filesystem", "raid", "crypto", "other"
};

struct GuestPartition {
    uint64_t number = 0;
    uint64_t start = 0; // bytes from the disk's start
    uint64_t size = 0;  // bytes
    std::string type;   // GPT: the type GUID (lowercase); MBR: "0x83"
    std::string name;   // GPT partition name ("" for MBR)
    std::string uuid;   // GPT: the partition GUID; MBR: "<disk id>-<number>"
    bool logical = false;
    bool extended = false; // an MBR extended partition (a container, not probed)
    std::optional<GuestFilesystem> filesystem;
    bool probed = false;
};

struct GuestPartitionTable {
    std::string type; // "dos" or "gpt"
    std::string id;   // GPT disk GUID, MBR disk identifier ("efef665c")
    std::vector<GuestPartition> partitions;
    bool truncated = false; // more partitions than listed
};

struct GuestProbe {
    bool performed = false;
    std::string problem; // why not, or what went wrong (a read failed, ambivalent result)
    std::optional<GuestPartitionTable> table;
    std::optional<GuestFilesystem> filesystem; // on the whole disk
    uint64_t bytesRead = 0;                    // read through the virtual disk
    bool limited = false;                      // the byte budget ran out: results may be partial
    bool missingParentReadAsZeros = false;
};

struct GuestProbeOptions {
    uint64_t maxBytes = 32ull << 20; // virtual-disk bytes read for libblkid
    size_t maxPartitions = 256;      // listed; filesystems probed on these only
};

// Probes the disk. A missing parent's sectors are read as zeros (and the result says so).
[[nodiscard]] GuestProbe probeGuest(const VirtualDisk& disk, const GuestProbeOptions& options = {});

} // namespace vhdx
