#pragma once
// What the backup's encoding and its file I/O share (not part of the public API).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "vhdx/replay_backup.h"

namespace vhdx::detail {

constexpr char kBackupMagic[8] = {'V', 'H', 'D', 'X', 'R', 'P', 'L', 'B'};
constexpr size_t kBackupHeaderV1 = 24, kBackupHeaderV2 = 48;
constexpr size_t kRecordHeader = 16, kTrailer = 4;
constexpr uint64_t kZeroRunBit = uint64_t(1) << 63;
// Backups are read, written and compared this much at a time.
constexpr size_t kBackupPiece = size_t(1) << 20;

[[nodiscard]] size_t backupHeaderSize(uint32_t version);
// The header (magic, version, count, sizes, GUID) of b.version.
[[nodiscard]] std::vector<uint8_t> encodeBackupHeader(const ReplayBackup& b, uint32_t count);
void encodeRecordHeader(uint8_t* p, uint64_t offset, uint64_t length, bool zeros);

} // namespace vhdx::detail
