#pragma once
// One field of an on-disk structure, declared once: its label for people, its key for JSON,
// its position and size, its type and the MS-VHDX section that defines it. Decoders, the
// header update's encoder, the document and the reports all read fields through these, so a
// position is written down in exactly one place (structures.h).
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "vhdx/bytes.h"
#include "vhdx/guid.h"

namespace vhdx::schema {

enum class FieldType : uint8_t {
    Signature, // ASCII magic
    Checksum,  // CRC-32C at offset 4 of its structure
    U16,
    U32,
    U64,
    Guid,
    Utf16, // UTF-16LE text
    Flags, // a u32 of bits (see Flag)
    Bytes, // data, not decoded
    Reserved,
};

struct Field {
    std::string_view label; // "Sequence number"
    std::string_view key;   // "sequence_number": the JSON key
    uint32_t offset = 0;    // from the start of its structure
    uint32_t size = 0;
    FieldType type = FieldType::Bytes;
    std::string_view spec;  // "2.2.2"
    std::string_view magic; // for a Signature: the bytes it must hold ("head")

    constexpr Field(std::string_view label_, std::string_view key_, uint32_t offset_,
                    uint32_t size_, FieldType type_, std::string_view spec_,
                    std::string_view magic_ = {})
        : label(label_), key(key_), offset(offset_), size(size_), type(type_), spec(spec_),
          magic(magic_) {}
};

// One bit (or bit group) of a Flags field or of a BAT entry.
struct Bits {
    std::string_view label;
    std::string_view key;
    uint32_t shift = 0;
    uint32_t width = 1;
    [[nodiscard]] constexpr uint64_t of(uint64_t v) const {
        return width >= 64 ? v >> shift : (v >> shift) & ((uint64_t(1) << width) - 1);
    }
    // The bits set in place, for writing.
    [[nodiscard]] constexpr uint64_t mask() const {
        return (width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1) << shift;
    }
};

// A structure: its fields in order, which must tile [0, size) exactly (tst_schema checks).
struct Layout {
    std::string_view name;
    uint32_t size = 0;
    std::span<const Field* const> fields;
    std::string_view spec;
};

// Entries of a table: entry i at first + stride * i, at most maxEntries of them.
struct Table {
    const Layout* entry = nullptr;
    uint32_t first = 0;
    uint32_t stride = 0;
    uint32_t maxEntries = 0;
    [[nodiscard]] constexpr uint64_t offsetOf(uint64_t i) const { return first + stride * i; }
};

// The value of field F in a structure that starts at base; the type follows from F's size.
template <const Field& F> [[nodiscard]] auto read(const uint8_t* base) {
    const uint8_t* p = base + F.offset;
    if constexpr (F.type == FieldType::Guid) {
        static_assert(F.size == 16);
        return Guid::fromDisk(p);
    } else if constexpr (F.size == 2) {
        return le16(p);
    } else if constexpr (F.size == 4) {
        return le32(p);
    } else {
        static_assert(F.size == 8, "read<> decodes integers of 2, 4, 8 bytes and GUIDs");
        return le64(p);
    }
}

template <const Field& F, class V> void write(uint8_t* base, const V& v) {
    uint8_t* p = base + F.offset;
    if constexpr (F.type == FieldType::Guid) {
        static_assert(F.size == 16);
        v.toDisk(p);
    } else if constexpr (F.size == 2) {
        putLe16(p, uint16_t(v));
    } else if constexpr (F.size == 4) {
        putLe32(p, uint32_t(v));
    } else {
        static_assert(F.size == 8);
        putLe64(p, uint64_t(v));
    }
}

// The structure at base carries signature field f's magic.
[[nodiscard]] inline bool hasSignature(const uint8_t* base, const Field& f) {
    return f.magic.size() == f.size && std::equal(f.magic.begin(), f.magic.end(),
                                                  reinterpret_cast<const char*>(base + f.offset));
}
// The field's bytes as printable text for the viewer: its ASCII, with other bytes as \xNN
// (a damaged signature shows what is there, not just "bad").
[[nodiscard]] std::string signatureText(const uint8_t* base, const Field& f);

} // namespace vhdx::schema
