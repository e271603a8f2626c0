#pragma once
// Shared helpers of the header update tests: making images (qemu-img, the real samples),
// running the independent checkers, comparing files outside the two header blocks, and
// reading or patching the headers of a file on disk.
#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "vhdx/header.h"

namespace vhdx::test {

struct ToolResult {
    bool started = false;
    int exitCode = -1;
    QString out, err;
};

// Runs a program to completion (timeout in ms); env empty = the inherited environment.
[[nodiscard]] ToolResult runTool(const QString& program, const QStringList& args,
                                 int timeoutMs = 120000,
                                 const QProcessEnvironment& env = QProcessEnvironment());

// qemu-img create -f vhdx -o subformat=dynamic,block_size=...,log_size=... dir/name size.
// Returns the path, or "" (error in *error).
[[nodiscard]] QString makeQemuImage(const QString& dir, const QString& name, const QString& size,
                                    const QString& blockSize, QString* error,
                                    const QString& logSize = QStringLiteral("1M"));

// A fresh 1 GiB dynamic image with 32 MiB blocks, dir/<prefix><++n>.vhdx; "" (with a warning
// naming the error) when qemu-img could not make it.
[[nodiscard]] QString freshQemuImage(const QString& dir, const QString& prefix, int& n);

// Independent readers: "" when they accept the file, else their output.
[[nodiscard]] QString qemuImgCheck(const QString& path);
[[nodiscard]] QString vhdiinfoCheck(const QString& path);

[[nodiscard]] std::vector<uint8_t> readWholeFile(const QString& path);
[[nodiscard]] bool writeWholeFile(const QString& path, const std::vector<uint8_t>& bytes);
[[nodiscard]] bool copyFile(const QString& from, const QString& to);

// MD5 of the file size and of every byte outside [64K, 68K) and [128K, 132K).
[[nodiscard]] QByteArray digestOutsideHeaders(const QString& path);
// MD5 of the file size and of every byte outside the header blocks and the given ranges
// (offset, length): they count as zeros.
[[nodiscard]] QByteArray digestOutside(const QString& path,
                                       const std::vector<std::pair<uint64_t, uint64_t>>& ranges);
// MD5 of the whole file.
[[nodiscard]] QByteArray digestWhole(const QString& path);

// Both headers as read from the file, with the current one chosen.
[[nodiscard]] HeaderPair readHeaderPair(const QString& path);
// Reads header `slot` (1 or 2), lets edit change its fields, re-encodes with a valid checksum.
[[nodiscard]] bool patchHeader(const QString& path, int slot,
                               const std::function<void(Header&)>& edit);
// Flips one reserved byte of header `slot` without fixing the checksum (invalid header).
[[nodiscard]] bool damageHeader(const QString& path, int slot);

// "" when the file still opens (core Image) with a valid current header and every byte outside
// the header blocks matches digestBefore; else what is wrong.
[[nodiscard]] QString checkStillConsistent(const QString& path, const QByteArray& digestBefore);

} // namespace vhdx::test
