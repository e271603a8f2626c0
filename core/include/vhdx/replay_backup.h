#pragma once
// The backup a guarded log replay writes before its first write (--replay-log --backup), and
// putting it back (--restore-backup). Format, all integers little-endian:
//
//   0   8  magic "VHDXRPLB"
//   8   4  version (1)
//   12  4  record count N
//   16  8  the file's size before the replay
//   24     N records: offset u64, length u64, then `length` bytes of the file before the replay
//   end 4  CRC-32C of every byte before it
//
// The first record is the header section (the first 1 MiB, or the whole file when shorter);
// then one record per file range the replay overwrites inside the old file, merged where they
// touch. Restoring writes every record back, sets the size back, and fdatasyncs: the file is
// then byte for byte what it was before the replay.
#include <cstdint>
#include <string>
#include <vector>

namespace vhdx {

class HeaderWriter;
class ReplayPlan;

struct BackupRecord {
    uint64_t offset = 0;
    std::vector<uint8_t> bytes;
};

struct ReplayBackup {
    uint64_t oldSize = 0;
    std::vector<BackupRecord> records;
};

// The ranges a backup of `plan` keeps from a file of oldSize bytes: the header section, then
// the overlaid ranges inside the old size, merged. (offset, length) pairs, sorted.
[[nodiscard]] std::vector<std::pair<uint64_t, uint64_t>> backupRanges(const ReplayPlan& plan,
                                                                      uint64_t oldSize);

[[nodiscard]] std::vector<uint8_t> encodeReplayBackup(const ReplayBackup& backup);
// False with error set when the bytes are not a valid backup (magic, version, checksum,
// records inside the old size).
[[nodiscard]] bool decodeReplayBackup(const std::vector<uint8_t>& bytes, ReplayBackup& out,
                                      std::string& error);

struct RestoreResult {
    bool ok = false;
    bool refused = false; // nothing written
    std::string error;
    ReplayBackup backup; // what was (or would be) restored
};

// Reads and checks the backup; with apply, writes it back into imagePath (O_RDWR, locked;
// writer null) or through writer, sets the old size and fdatasyncs.
[[nodiscard]] RestoreResult restoreReplayBackup(const std::string& backupPath,
                                                const std::string& imagePath, bool apply,
                                                HeaderWriter* writer = nullptr);

} // namespace vhdx
