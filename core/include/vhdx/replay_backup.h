#pragma once
// The backup a guarded log replay writes before its first write (--replay-log --backup), and
// putting it back (--restore-backup). Format, all integers little-endian:
//
//   0   8  magic "VHDXRPLB"
//   8   4  version (2; version 1 backups, without the two fields at 24 and 32 and without
//          zero runs, are still restored)
//   12  4  record count N
//   16  8  the file's size before the replay
//   24  8  its size after the replay
//   32  16 the FileWriteGuid the replay's header update writes
//   48     N records: offset u64, length u64, then `length` bytes of the file before the
//          replay; with bit 63 of the length set, a zero run: the range held only zeros and no
//          bytes follow
//   end 4  CRC-32C of every byte before it
//
// The first record is the header section (the first 1 MiB); then the file ranges the replay
// overwrites inside the old file, merged where they touch, 1 MiB at a time (an all-zero MiB,
// such as a hole of a sparse file, is a zero run). The backup is written and read a piece at
// a time: its memory stays small whatever the replay's size.
//
// Restoring first checks that FILE is the file the backup was taken from, or that file after
// the replay: each valid header of FILE has the backup's DataWriteGuid (a replay keeps it),
// a FileWriteGuid that is the old one or the one the replay writes, and the old LogGuid or
// none; FILE's size lies between the old size and the size after the replay. It then writes
// every record back, sets the size back and fdatasyncs: the file is byte for byte what it
// was before the replay.
#include <cstdint>
#include <string>
#include <vector>

#include "vhdx/guid.h"

namespace vhdx {

class ByteSource;
class FileWriter;
class ReplayPlan;

// A backup file larger than this is refused before anything is read: the 1 GiB a replay's
// backup may keep (LogReplayOptions::maxBackupBytes), with room for its record headers.
constexpr uint64_t maxReplayBackupFileSize = (uint64_t(1) << 30) + (uint64_t(1) << 20);
// Records one backup may hold (a replay's ranges, 1 MiB pieces of them, fit well below).
constexpr uint32_t maxReplayBackupRecords = uint32_t(1) << 20;

struct BackupRecord {
    uint64_t offset = 0;
    uint64_t length = 0;
    bool zeros = false;         // a zero run: the range held only zeros, no bytes stored
    std::vector<uint8_t> bytes; // a data record's bytes, when decoded into memory
    uint64_t storedAt = 0;      // where a data record's bytes start in the backup file
};

struct ReplayBackup {
    uint32_t version = 2;
    uint64_t oldSize = 0;
    uint64_t sizeAfter = 0;  // version 2
    Guid fileWriteGuidAfter; // version 2
    std::vector<BackupRecord> records;
};

// The ranges a backup of `plan` keeps from a file of oldSize bytes: the header section, then
// the overlaid ranges inside the old size, merged. (offset, length) pairs, sorted.
[[nodiscard]] std::vector<std::pair<uint64_t, uint64_t>> backupRanges(const ReplayPlan& plan,
                                                                      uint64_t oldSize);

// In memory (version 2): a data record's length is its bytes' size.
[[nodiscard]] std::vector<uint8_t> encodeReplayBackup(const ReplayBackup& backup);
// False with error set when the bytes are not a valid backup (magic, version, checksum,
// records inside the old size, the header section first).
[[nodiscard]] bool decodeReplayBackup(const std::vector<uint8_t>& bytes, ReplayBackup& out,
                                      std::string& error);
// The same check of a backup read through src, a piece at a time; data records' bytes are
// read into memory only with withBytes.
[[nodiscard]] bool parseReplayBackup(const ByteSource& src, ReplayBackup& out, std::string& error,
                                     bool withBytes);

// Streams the backup of `ranges` of the file behind `file` to path (see BackupFile: a
// temporary name, linked to path once complete and synced). meta gives the sizes and the
// FileWriteGuid after the replay; its records are ignored.
[[nodiscard]] bool writeReplayBackup(const std::string& path, const ReplayBackup& meta,
                                     const std::vector<std::pair<uint64_t, uint64_t>>& ranges,
                                     FileWriter& file, std::string& error);

struct RestoreResult {
    bool ok = false;
    bool refused = false; // nothing written
    std::string error;
    ReplayBackup backup; // what was (or would be) restored (records without their bytes)
};

// Reads and checks the backup (a regular file of at most maxReplayBackupFileSize) and that
// imagePath is the file it was taken from; with apply, writes it back into imagePath (O_RDWR,
// locked; writer null) or through writer, sets the old size and fdatasyncs.
[[nodiscard]] RestoreResult restoreReplayBackup(const std::string& backupPath,
                                                const std::string& imagePath, bool apply,
                                                FileWriter* writer = nullptr);

} // namespace vhdx
