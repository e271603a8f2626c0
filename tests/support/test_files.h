#pragma once
// Files for tests: the real sample images of tests/data (decompressed at test time into a
// temporary directory, never committed decompressed) and builder images written to disk.
#include <QString>

#include <cstdint>
#include <vector>

namespace vhdx::test {

// The tests/data directory of the source tree.
[[nodiscard]] QString testDataDir();

// Decompresses tests/data/<compressedName> (*.bz2 via bzcat, *.gz via zcat) into dir, named
// without the compression suffix. Returns the path, or an empty string with error set.
[[nodiscard]] QString decompressTestImage(const QString& compressedName, const QString& dir,
                                          QString* error = nullptr);

// Writes bytes to dir/name, leaving holes where whole 64 KiB runs are zero (large images stay
// cheap on disk). Returns the path, or an empty string on failure.
[[nodiscard]] QString writeImageFile(const QString& dir, const QString& name,
                                     const std::vector<uint8_t>& bytes);

} // namespace vhdx::test
