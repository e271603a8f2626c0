#include "update_test_util.h"

#include <QCryptographicHash>
#include <QFile>
#include <QProcess>

#include <algorithm>
#include <cstring>

#include "vhdx/image.h"
#include "vhdx/layout.h"

namespace vhdx::test {

ToolResult runTool(const QString& program, const QStringList& args, int timeoutMs,
                   const QProcessEnvironment& env) {
    ToolResult r;
    QProcess p;
    if (!env.isEmpty())
        p.setProcessEnvironment(env);
    p.start(program, args);
    r.started = p.waitForStarted(10000);
    if (!r.started)
        return r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QString makeQemuImage(const QString& dir, const QString& name, const QString& size,
                      const QString& blockSize, QString* error, const QString& logSize) {
    const QString path = dir + "/" + name;
    const ToolResult r =
        runTool("qemu-img",
                {"create", "-q", "-f", "vhdx", "-o",
                 "subformat=dynamic,block_size=" + blockSize + ",log_size=" + logSize, path, size});
    if (r.exitCode != 0) {
        if (error)
            *error = "qemu-img create failed: " + r.out + r.err;
        return {};
    }
    return path;
}

QString qemuImgCheck(const QString& path) {
    const ToolResult r = runTool("qemu-img", {"check", "-f", "vhdx", path});
    return r.exitCode == 0 ? QString() : "qemu-img check: " + r.out + r.err;
}

QString vhdiinfoCheck(const QString& path) {
    const ToolResult r = runTool("vhdiinfo", {path});
    return r.exitCode == 0 ? QString() : "vhdiinfo: " + r.out + r.err;
}

std::vector<uint8_t> readWholeFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray all = f.readAll();
    return std::vector<uint8_t>(all.begin(), all.end());
}

bool writeWholeFile(const QString& path, const std::vector<uint8_t>& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return f.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size())) ==
           qint64(bytes.size());
}

bool copyFile(const QString& from, const QString& to) {
    return runTool("cp", {"--sparse=always", from, to}).exitCode == 0;
}

namespace {
QByteArray digest(const QString& path, bool skipHeaders,
                  std::vector<std::pair<uint64_t, uint64_t>> masked = {}) {
    if (skipHeaders)
        for (uint64_t off : layout::headerOffset)
            masked.emplace_back(off, layout::headerSize);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    // MD5: the files compared are our own, not adversarial; speed matters (675 MB xfs).
    QCryptographicHash h(QCryptographicHash::Md5);
    h.addData(QByteArray::number(f.size()));
    uint64_t pos = 0;
    for (;;) {
        QByteArray buf = f.read(4 * 1024 * 1024);
        if (buf.isEmpty())
            break;
        const uint64_t end = pos + uint64_t(buf.size());
        // Masked ranges count as zeros: both files of a comparison get the same mask.
        for (const auto& [off, len] : masked) {
            const uint64_t from = std::max(pos, off), to = std::min(end, off + len);
            if (from < to)
                std::memset(buf.data() + (from - pos), 0, size_t(to - from));
        }
        h.addData(buf);
        pos = end;
    }
    return h.result();
}
} // namespace

QByteArray digestOutsideHeaders(const QString& path) {
    return digest(path, true);
}
QByteArray digestOutside(const QString& path,
                         const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
    return digest(path, true, ranges);
}
QByteArray digestWhole(const QString& path) {
    return digest(path, false);
}

HeaderPair readHeaderPair(const QString& path) {
    HeaderPair pair;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return pair;
    for (int i = 0; i < 2; ++i) {
        f.seek(qint64(layout::headerOffset[i]));
        const QByteArray b = f.read(qint64(layout::headerSize));
        if (b.size() == qsizetype(layout::headerSize))
            pair.headers[i] = decodeHeader(reinterpret_cast<const uint8_t*>(b.constData()), i + 1,
                                           layout::headerOffset[i]);
    }
    pair.current = chooseCurrentHeader(pair.headers[0], pair.headers[1]);
    return pair;
}

namespace {
bool rewriteBlock(const QString& path, int slot, const std::function<void(QByteArray&)>& edit) {
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite))
        return false;
    const qint64 off = qint64(layout::headerOffset[slot - 1]);
    f.seek(off);
    QByteArray b = f.read(qint64(layout::headerSize));
    if (b.size() != qsizetype(layout::headerSize))
        return false;
    edit(b);
    f.seek(off);
    return f.write(b) == b.size();
}
} // namespace

bool patchHeader(const QString& path, int slot, const std::function<void(Header&)>& edit) {
    return rewriteBlock(path, slot, [&](QByteArray& b) {
        auto* p = reinterpret_cast<uint8_t*>(b.data());
        Header h = decodeHeader(p, slot, layout::headerOffset[slot - 1]);
        edit(h);
        encodeHeader(h, p);
    });
}

bool damageHeader(const QString& path, int slot) {
    return rewriteBlock(path, slot, [](QByteArray& b) { b[1000] = char(b[1000] ^ 0x5a); });
}

QString checkStillConsistent(const QString& path, const QByteArray& digestBefore) {
    std::string error;
    ParseOptions options;
    options.resolveParent = false;
    const auto image = Image::open(path.toStdString(), error, options);
    if (!image)
        return "cannot open: " + QString::fromStdString(error);
    const HeaderPair& hp = image->headers();
    if (hp.current == 0)
        return "no valid current header";
    if (image->findings().has(FindingCode::HeaderSequenceTie))
        return "ambiguous current header";
    if (digestOutsideHeaders(path) != digestBefore)
        return "bytes outside the two header blocks changed";
    return {};
}

QString freshQemuImage(const QString& dir, const QString& prefix, int& n) {
    QString error;
    const QString path =
        makeQemuImage(dir, QString("%1%2.vhdx").arg(prefix).arg(++n), "1G", "32M", &error);
    if (path.isEmpty())
        qWarning("%s", qPrintable(error));
    return path;
}

} // namespace vhdx::test
