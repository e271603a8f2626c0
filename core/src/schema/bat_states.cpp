#include "vhdx/schema/bat_states.h"

namespace vhdx {

namespace {
using C = BatClass;
using K = SlotKind;
constexpr std::array<BatClassInfo, batClassCount> kClasses = {{
    {C::PayloadNotPresent, K::Payload, "not_present", "not present"},
    {C::PayloadUndefined, K::Payload, "undefined", "undefined"},
    {C::PayloadZero, K::Payload, "zero", "zero"},
    {C::PayloadUnmapped, K::Payload, "unmapped", "unmapped"},
    {C::PayloadFullyPresent, K::Payload, "fully_present", "fully present"},
    {C::PayloadPartiallyPresent, K::Payload, "partially_present", "partially present"},
    {C::PayloadInvalid, K::Payload, "invalid", "invalid state"},
    {C::PayloadPadding, K::Payload, "padding", "padding"},
    {C::BitmapNotPresent, K::SectorBitmap, "not_present", "not present"},
    {C::BitmapPresent, K::SectorBitmap, "present", "present"},
    {C::BitmapInvalid, K::SectorBitmap, "invalid", "invalid state"},
}};

// MS-VHDX 2.5.1: payload states 0-3, 6, 7 (7 only with a parent); bitmap states 0 and 6.
namespace s = bat_state;
constexpr BatStateInfo kStates[] = {
    {K::Payload, s::notPresent, "PAYLOAD_BLOCK_NOT_PRESENT", C::PayloadNotPresent, false, false},
    {K::Payload, s::undefined, "PAYLOAD_BLOCK_UNDEFINED", C::PayloadUndefined, false, false},
    {K::Payload, s::zero, "PAYLOAD_BLOCK_ZERO", C::PayloadZero, false, false},
    {K::Payload, s::unmapped, "PAYLOAD_BLOCK_UNMAPPED", C::PayloadUnmapped, false, false},
    {K::Payload, s::fullyPresent, "PAYLOAD_BLOCK_FULLY_PRESENT", C::PayloadFullyPresent, false,
     true},
    {K::Payload, s::partiallyPresent, "PAYLOAD_BLOCK_PARTIALLY_PRESENT", C::PayloadPartiallyPresent,
     true, true},
    {K::SectorBitmap, s::notPresent, "SB_BLOCK_NOT_PRESENT", C::BitmapNotPresent, false, false},
    {K::SectorBitmap, s::bitmapPresent, "SB_BLOCK_PRESENT", C::BitmapPresent, false, true},
};

// classify[kind][hasParent][state], built once from kStates.
struct ClassTable {
    BatClass c[2][2][8];
    ClassTable() {
        for (int k = 0; k < 2; ++k)
            for (int p = 0; p < 2; ++p)
                for (auto& v : c[k][p])
                    v = k == 0 ? C::PayloadInvalid : C::BitmapInvalid;
        for (const BatStateInfo& s : kStates)
            for (int p = 0; p < 2; ++p)
                if (!s.needsParent || p)
                    c[int(s.kind)][p][s.raw] = s.cls;
    }
};
} // namespace

std::span<const BatClassInfo> batClasses() {
    return kClasses;
}

std::span<const BatStateInfo> batStates() {
    return kStates;
}

const BatClassInfo& batClassInfo(BatClass c) {
    return kClasses[size_t(c) < batClassCount ? size_t(c) : 0];
}

BatClass classifyBatState(uint8_t state, SlotKind kind, bool hasParent) {
    static const ClassTable table;
    return table.c[int(kind)][hasParent ? 1 : 0][state & 7];
}

bool batClassHasBlock(BatClass c) {
    return c == C::PayloadFullyPresent || c == C::PayloadPartiallyPresent || c == C::BitmapPresent;
}

} // namespace vhdx
