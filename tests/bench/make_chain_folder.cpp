// Writes the folder of the --chains benchmark (docs/PERFORMANCE.md): N images in chains of
// four (a base and three differencing levels, each child found by relative_path and linked by
// DataWriteGuid), spread over subfolders of 100 files. Builder images: 1 GiB virtual, 32 MiB
// blocks, sparse (about 200 KiB of data each).
// Usage: make_chain_folder DIR N
#include <QDir>
#include <QString>

#include <cstdio>
#include <cstdlib>

#include "image_builder.h"
#include "test_files.h"

using namespace vhdx;
using namespace vhdx::test;

int main(int argc, char** argv) {
    if (argc != 3 || std::atoi(argv[2]) < 1) {
        std::fprintf(stderr, "usage: make_chain_folder DIR N\n");
        return 2;
    }
    const QString dir = QString::fromLocal8Bit(argv[1]);
    const int n = std::atoi(argv[2]);
    // One base image reused: only the headers and the locator differ between files.
    Guid parentGuid;
    QString parentName;
    for (int i = 0; i < n; ++i) {
        const int level = i % 4;
        const QString sub = QStringLiteral("group%1").arg(i / 100, 3, 10, QLatin1Char('0'));
        if (!QDir(dir).mkpath(sub)) {
            std::fprintf(stderr, "cannot create %s\n", qPrintable(sub));
            return 1;
        }
        ImageSpec spec;
        spec.dataWriteGuid = Guid::random();
        if (level > 0) {
            spec.hasParent = true;
            spec.parentLocator = {{"parent_linkage", "{" + parentGuid.toString() + "}"},
                                  {"relative_path", ".\\" + parentName.toStdString()}};
        }
        const QString name = QStringLiteral("disk%1%2")
                                 .arg(i, 5, 10, QLatin1Char('0'))
                                 .arg(level ? ".avhdx" : ".vhdx");
        if (writeImageFile(dir + "/" + sub, name, buildImage(spec).bytes).isEmpty()) {
            std::fprintf(stderr, "cannot write %s\n", qPrintable(name));
            return 1;
        }
        parentGuid = spec.dataWriteGuid;
        parentName = name;
    }
    return 0;
}
