#include "chain_builder.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>

#include "test_files.h"
#include "vhdx/bytes.h"

namespace vhdx::test {

Guid chainGuid(int n) {
    char text[40];
    std::snprintf(text, sizeof text, "%08x-0000-4000-8000-000000000000", unsigned(n));
    return *Guid::parse(text);
}

std::string braced(const Guid& g) {
    return "{" + g.toString() + "}";
}

ImageSpec baseImage(const Guid& dataWriteGuid) {
    ImageSpec s;
    s.blockSize = uint32_t(MiB);
    s.virtualSize = 64 * MiB;
    s.dataWriteGuid = dataWriteGuid;
    return s;
}

ImageSpec childImage(const Guid& dataWriteGuid, const Guid& parentDataWriteGuid,
                     const std::string& relativePath) {
    ImageSpec s = baseImage(dataWriteGuid);
    s.hasParent = true;
    s.parentLocator = {{"parent_linkage", braced(parentDataWriteGuid)}};
    if (!relativePath.empty())
        s.parentLocator.push_back({"relative_path", relativePath});
    return s;
}

QString writeSpec(const QString& dir, const QString& relativePath, const ImageSpec& spec) {
    const QFileInfo target(QDir(dir).filePath(relativePath));
    if (!QDir().mkpath(target.absolutePath()))
        return {};
    return writeImageFile(target.absolutePath(), target.fileName(), buildImage(spec).bytes);
}

} // namespace vhdx::test
