#pragma once
// The BAT's states, declared once (MS-VHDX 2.5.1): each raw state of each slot kind, the
// class it falls in (valid or not, for a disk with or without a parent), its JSON key and its
// label. The scan counts by class, the reports print by class, the viewer colours by class,
// so every consumer applies the same rule.
#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace vhdx {

enum class SlotKind : uint8_t { Payload, SectorBitmap };

// What a BAT slot shows. The order is that of the legend; Count ends the list.
enum class BatClass : uint8_t {
    PayloadNotPresent,
    PayloadUndefined,
    PayloadZero,
    PayloadUnmapped,
    PayloadFullyPresent,
    PayloadPartiallyPresent,
    PayloadInvalid, // an undefined state for a payload slot (4, 5; 7 without a parent)
    // A payload slot past the disk's last block (the end of a differencing disk's last
    // chunk): no block uses it, whatever it holds. By slot position, not by state.
    PayloadPadding,
    BitmapNotPresent,
    BitmapPresent,
    BitmapInvalid,
    Count
};
inline constexpr size_t batClassCount = size_t(BatClass::Count);

struct BatClassInfo {
    BatClass cls;
    SlotKind kind;
    std::string_view key;   // JSON key inside payload_states / sector_bitmap_states
    std::string_view label; // "fully present"
};

// The raw states MS-VHDX defines, by slot kind.
struct BatStateInfo {
    SlotKind kind;
    uint8_t raw;
    std::string_view name; // PAYLOAD_BLOCK_FULLY_PRESENT
    BatClass cls;
    bool needsParent; // valid only in a differencing disk
    bool hasBlock;    // the entry's FileOffsetMB names a block in the file
};

[[nodiscard]] std::span<const BatClassInfo> batClasses();
[[nodiscard]] std::span<const BatStateInfo> batStates();
[[nodiscard]] const BatClassInfo& batClassInfo(BatClass c);

// The class of a raw 3-bit state in a slot of this kind, on a disk with or without a parent.
[[nodiscard]] BatClass classifyBatState(uint8_t state, SlotKind kind, bool hasParent);
// The state has a block in the file (fully/partially present payload, present bitmap).
[[nodiscard]] bool batClassHasBlock(BatClass c);

// Named raw states where the format logic needs them (scan, reader).
namespace bat_state {
inline constexpr uint8_t notPresent = 0;
inline constexpr uint8_t undefined = 1;
inline constexpr uint8_t zero = 2;
inline constexpr uint8_t unmapped = 3;
inline constexpr uint8_t fullyPresent = 6;
inline constexpr uint8_t partiallyPresent = 7;
inline constexpr uint8_t bitmapPresent = 6;
} // namespace bat_state

} // namespace vhdx
