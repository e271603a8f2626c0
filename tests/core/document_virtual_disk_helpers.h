#pragma once
// Shared by the Virtual disk document tests: running the util-linux and qemu tools, making raw
// disks and VHDX files from them, and opening an image with its virtual-disk summary.
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

#include "document_test_helpers.h"
#include "vhdx/document/document.h"
#include "vhdx/image.h"
#include "vhdx/virtual_disk_report.h"

namespace vhdx::test {

struct Run {
    int exitCode = -1;
    QByteArray out;
};

inline Run run(const QString& program, const QStringList& args, const QByteArray& input = {}) {
    QProcess p;
    p.start(program, args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    p.waitForFinished(60000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput()};
}

inline bool makeRaw(const QString& path, qint64 mib) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.resize(mib << 20);
}

inline QMap<QString, QString> blkid(const QString& raw, qint64 offset = -1, qint64 size = -1) {
    QStringList args{"-p", "-o", "export"};
    if (offset >= 0)
        args << "-O" << QString::number(offset) << "-S" << QString::number(size);
    QMap<QString, QString> out;
    for (const QByteArray& line : run("blkid", args << raw).out.split('\n'))
        if (const int eq = line.indexOf('='); eq > 0)
            out.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    return out;
}

inline QString toVhdx(const QString& raw) {
    const QString image = raw.chopped(4) + ".vhdx";
    return run("qemu-img", {"convert", "-O", "vhdx", "-o", "block_size=1M", raw, image}).exitCode ==
                   0
               ? image
               : QString();
}

inline qint64 qemuVirtualSize(const QString& image) {
    const Run r = run("qemu-img", {"info", "--output=json", image});
    return QJsonDocument::fromJson(r.out).object()["virtual-size"].toInteger();
}

struct Opened {
    std::unique_ptr<Image> image;
    std::shared_ptr<const Document> doc;
    NodeId vd = noNode;
};

inline Opened openWithSummary(const std::string& path,
                              std::shared_ptr<const VirtualDiskSummary> s = {}) {
    Opened o;
    std::string error;
    o.image = Image::open(path, error);
    if (!o.image)
        return o;
    o.image->scanBat();
    if (!s)
        if (auto vd = summarizeVirtualDisk(*o.image))
            s = std::make_shared<const VirtualDiskSummary>(std::move(*vd));
    DocumentOptions options;
    options.virtualDisk = s;
    o.doc = buildDocument(*o.image, o.image->findings().items(), options);
    for (NodeId c : o.doc->node(o.doc->root()).children)
        if (o.doc->node(c).kind == NodeKind::VirtualDisk)
            o.vd = c;
    return o;
}

inline NodeId child(const Document& d, NodeId parent, const std::string& label) {
    return childNamed(d, parent, label);
}

inline std::string valueOf(const Document& d, NodeId parent, const std::string& label) {
    const NodeId n = child(d, parent, label);
    return n == noNode ? std::string("<none>") : d.node(n).value;
}

inline std::string str(const QString& s) {
    return s.toStdString();
}

} // namespace vhdx::test
