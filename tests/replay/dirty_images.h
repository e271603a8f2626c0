#pragma once
// Dirty images for the replay tests: builder images whose log holds an active
// sequence that QEMU's replay (`qemu-img check -r all`) accepts, each written to a file, and
// the comparisons the tests share: our view and our replay against QEMU's replay of a copy.
#include <QJsonObject>
#include <QString>

#include <functional>
#include <vector>

#include "image_builder.h"

namespace vhdx::test {

struct DirtyCase {
    const char* name;
    std::function<BuiltImage()> build;
};

// many-entries, wrapped-entry, zero-descriptors, several-sequences, extends-file,
// metadata-change, overlapping-writes.
[[nodiscard]] const std::vector<DirtyCase>& dirtyCases();
[[nodiscard]] const DirtyCase* dirtyCase(const QString& name);

// Writes the case's image to dir/<name>.vhdx; "" on failure.
[[nodiscard]] QString writeDirtyCase(const DirtyCase& c, const QString& dir);

// Copies path to copyPath and runs `qemu-img check -r all` on the copy. "" when QEMU
// replayed it and exited 0, else what went wrong.
[[nodiscard]] QString qemuReplay(const QString& path, const QString& copyPath);

// The keys of a --json report that a replay must agree on: region_tables, metadata, bat
// (offsets, counts and state counts). Headers differ (QEMU rewrites them), so do file sizes
// where QEMU's extension rule differs (see bytesAgree).
[[nodiscard]] QJsonObject structureKeys(const QJsonObject& report);

// "" when the two files hold the same bytes outside the two header slots, a missing tail
// counting as zeros (a file extended by ftruncate reads as zeros); else where they differ.
[[nodiscard]] QString bytesAgree(const QString& a, const QString& b);

// After an interrupted replay of a copy of `original` (a failed write or flush, a killed
// process): "" when the file at path is unchanged, or fully replayed (no log to replay, the
// bytes of `reference`, an uninterrupted replay of original, outside the header slots), or
// still dirty with a log whose replay, ours and `qemu-img check -r all` each on a copy, gives
// the bytes of `reference`. *state: 0 unchanged, 1 still dirty, 2 fully replayed.
[[nodiscard]] QString checkInterrupted(const QString& path, const QString& original,
                                       const QString& reference, int* state = nullptr);

} // namespace vhdx::test
