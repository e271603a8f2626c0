#pragma once
// The expected files of the golden tests (tests/golden/expected/<case>.json, .txt, .exit):
// compare a report with its golden byte for byte, or write the golden when
// VHDX_GOLDEN_UPDATE=1 is set. The only normalisation is the temporary directory's path,
// replaced by <TMP>.
#include <QByteArray>
#include <QString>
#include <QStringList>

namespace vhdx::test::golden {

// True when VHDX_GOLDEN_UPDATE=1: check() writes instead of comparing.
[[nodiscard]] bool updating();
// tests/golden/expected of the source tree.
[[nodiscard]] QString expectedDir();
// The names of the expected files present (e.g. "clean-dynamic.json").
[[nodiscard]] QStringList expectedFiles();

// Replaces every occurrence of tmpDir (as given, and as JSON escapes it) with "<TMP>".
[[nodiscard]] QByteArray normalise(QByteArray output, const QString& tmpDir);

// A short unified-style diff of the first differing lines; empty when a == b.
[[nodiscard]] QString firstDifference(const QByteArray& expected, const QByteArray& actual,
                                      const QString& name, int context = 3, int maxLines = 8);

// Compares actual with expected/<fileName>, or writes it when updating(). Returns an empty
// string on success, otherwise a readable reason with the diff.
[[nodiscard]] QString check(const QString& fileName, const QByteArray& actual);

// The three goldens of one case: JSON, text, exit code ("<code>\n"). All problems joined.
[[nodiscard]] QString checkCase(const QString& name, const QByteArray& json, const QByteArray& text,
                                int exitCode);

} // namespace vhdx::test::golden
