#pragma once
// A differencing chain built in memory, and the reference reading of its virtual disk: each
// byte computed sector by sector from the builder's own knobs (block states, sector flags,
// payload seed), independently of the core's reader.
#include <memory>
#include <vector>

#include "image_builder.h"
#include "vhdx/image.h"

namespace vhdx::test {

struct LevelSpec {
    std::map<uint64_t, uint8_t> blocks;               // block -> BAT state
    std::map<uint64_t, std::vector<bool>> sectorBits; // partially present block -> flags
    uint8_t seed = 1;
};

struct BuiltChain {
    uint32_t blockSize = 0, sectorSize = 0;
    uint64_t virtualSize = 0;
    std::vector<LevelSpec> levels; // 0 = the child, last = the base
    std::vector<BuiltImage> built;
    std::vector<std::unique_ptr<Image>> images;
    [[nodiscard]] std::vector<const Image*> ancestors() const {
        std::vector<const Image*> out;
        for (size_t i = 1; i < images.size(); ++i)
            out.push_back(images[i].get());
        return out;
    }
};

// Builds every level (the base without a parent unless baseHasParent) and parses it.
inline BuiltChain buildChain(uint32_t blockSize, uint32_t sectorSize, uint64_t virtualSize,
                             std::vector<LevelSpec> levels, bool baseHasParent = false) {
    BuiltChain c{blockSize, sectorSize, virtualSize, std::move(levels), {}, {}};
    for (size_t i = 0; i < c.levels.size(); ++i) {
        const LevelSpec& l = c.levels[i];
        ImageSpec spec;
        spec.blockSize = blockSize;
        spec.logicalSectorSize = sectorSize;
        spec.virtualSize = virtualSize;
        spec.hasParent = i + 1 < c.levels.size() || baseHasParent;
        if (spec.hasParent)
            spec.parentLocator = {{"parent_linkage", "{66666666-7777-8888-9999-aaaaaaaaaaaa}"},
                                  {"relative_path", "parent.vhdx"}};
        spec.blocks = l.blocks;
        spec.payloadSeed = l.seed;
        spec.sectorBits = l.sectorBits;
        const uint64_t chunkRatio = (uint64_t(1) << 23) * sectorSize / blockSize;
        for (const auto& [block, state] : l.blocks)
            if (state == bat::PartiallyPresent &&
                std::find(spec.sectorBitmaps.begin(), spec.sectorBitmaps.end(),
                          block / chunkRatio) == spec.sectorBitmaps.end())
                spec.sectorBitmaps.push_back(block / chunkRatio);
        c.built.push_back(buildImage(spec));
        c.images.push_back(Image::parse(c.built.back().source()));
    }
    return c;
}

// What virtual byte v reads as; missing: set when it comes from a missing parent (zero then).
inline uint8_t referenceByte(const BuiltChain& c, uint64_t v, bool baseHasParent = false,
                             bool* missing = nullptr) {
    const uint64_t block = v / c.blockSize;
    const uint64_t sector = (v % c.blockSize) / c.sectorSize;
    for (size_t i = 0; i < c.levels.size(); ++i) {
        const LevelSpec& l = c.levels[i];
        const auto it = l.blocks.find(block);
        const uint8_t state = it == l.blocks.end() ? bat::NotPresent : it->second;
        if (state == bat::Zero || state == bat::Unmapped)
            return 0;
        if (state == bat::FullyPresent)
            return payloadPattern(l.seed, v);
        if (state == bat::PartiallyPresent) {
            const auto bits = l.sectorBits.find(block);
            if (bits != l.sectorBits.end() && sector < bits->second.size() && bits->second[sector])
                return payloadPattern(l.seed, v);
        }
        // NotPresent, Undefined, or a clear bit: the next level
    }
    if (baseHasParent && missing)
        *missing = true;
    return 0;
}

// Sector flags from a string of '1'/'0' runs repeated to n sectors ("1100" -> 1,1,0,0,1,1,...).
inline std::vector<bool> flags(const std::string& pattern, uint64_t n) {
    std::vector<bool> out(n);
    for (uint64_t i = 0; i < n; ++i)
        out[i] = pattern[i % pattern.size()] == '1';
    return out;
}

} // namespace vhdx::test
