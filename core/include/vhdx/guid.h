#pragma once
// GUIDs in the Microsoft on-disk layout (MS-DTYP 2.3.4.2).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vhdx {

struct Guid {
    std::array<uint8_t, 16> bytes{}; // as stored on disk

    [[nodiscard]] static Guid fromDisk(const uint8_t* p);
    // Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", with or without braces, any case.
    [[nodiscard]] static std::optional<Guid> parse(std::string_view text);
    // A new random GUID (libuuid), in on-disk layout.
    [[nodiscard]] static Guid random();

    void toDisk(uint8_t* p) const;
    // Lowercase canonical form, Data1..Data3 decoded little-endian.
    [[nodiscard]] std::string toString() const;
    [[nodiscard]] bool isNull() const;
    auto operator<=>(const Guid&) const = default;
};

namespace guids {
extern const Guid batRegion;
extern const Guid metadataRegion;
extern const Guid fileParameters;
extern const Guid virtualDiskSize;
extern const Guid page83Data;
extern const Guid logicalSectorSize;
extern const Guid physicalSectorSize;
extern const Guid parentLocator;
extern const Guid parentLocatorTypeVhdx;
} // namespace guids

} // namespace vhdx
