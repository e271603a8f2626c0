// One folder per chain finding code (CHAIN_*): the smallest set of images that produces it.
#include <QFile>

#include "chain_builder.h"
#include "finding_scenarios.h"
#include "test_files.h"
#include "vhdx/chain_forest.h"

namespace vhdx::test {

namespace {

ChainFindings mapped(const QString& dir, const ForestOptions& options = {}) {
    std::string error;
    const auto forest = mapChains(dir.toStdString(), error, options);
    return forest ? forest->findings : ChainFindings();
}

// base.vhdx (DataWriteGuid 1) and a child of it made as given.
ChainFindings withChild(const QString& dir, const ImageSpec& child) {
    if (writeSpec(dir, "base.vhdx", baseImage(chainGuid(1))).isEmpty() ||
        writeSpec(dir, "child.avhdx", child).isEmpty())
        return {};
    return mapped(dir);
}

ImageSpec goodChild() {
    return childImage(chainGuid(2), chainGuid(1), ".\\base.vhdx");
}

} // namespace

const std::map<std::string, FolderScenario>& folderScenarios() {
    static const std::map<std::string, FolderScenario> all = {
        {"CHAIN_FILE_SKIPPED",
         [](const QString& dir) {
             return writeImageFile(dir, "empty.vhdx", {}).isEmpty() ? ChainFindings() : mapped(dir);
         }},
        {"CHAIN_FOLDER_LIMITED",
         [](const QString& dir) {
             for (int i = 0; i < 2; ++i)
                 if (writeSpec(dir, QString("d%1.vhdx").arg(i), baseImage(chainGuid(i))).isEmpty())
                     return ChainFindings();
             ForestOptions options;
             options.maxImages = 1;
             return mapped(dir, options);
         }},
        {"CHAIN_ORPHAN",
         [](const QString& dir) {
             return withChild(dir, childImage(chainGuid(2), chainGuid(9), ".\\base.vhdx"));
         }},
        {"CHAIN_PARENT_ELSEWHERE",
         [](const QString& dir) {
             return withChild(dir, childImage(chainGuid(2), chainGuid(1), ".\\moved.vhdx"));
         }},
        {"CHAIN_PARENT_CHANGED",
         [](const QString& dir) {
             if (writeSpec(dir, "second.avhdx",
                           childImage(chainGuid(3), chainGuid(9), ".\\base.vhdx"))
                     .isEmpty())
                 return ChainFindings();
             return withChild(dir, childImage(chainGuid(2), chainGuid(9), ".\\base.vhdx"));
         }},
        {"CHAIN_LOOP",
         [](const QString& dir) {
             return writeSpec(dir, "self.avhdx",
                              childImage(chainGuid(1), chainGuid(1), ".\\self.avhdx"))
                            .isEmpty()
                        ? ChainFindings()
                        : mapped(dir);
         }},
        {"CHAIN_VIRTUAL_SIZE_MISMATCH",
         [](const QString& dir) {
             ImageSpec c = goodChild();
             c.virtualSize *= 2;
             return withChild(dir, c);
         }},
        {"CHAIN_SECTOR_SIZE_MISMATCH",
         [](const QString& dir) {
             ImageSpec c = goodChild();
             c.logicalSectorSize = 4096;
             return withChild(dir, c);
         }},
        {"CHAIN_BLOCK_SIZE_MISMATCH",
         [](const QString& dir) {
             ImageSpec c = goodChild();
             c.blockSize *= 2;
             return withChild(dir, c);
         }},
        {"CHAIN_HAS_CHILDREN", [](const QString& dir) { return withChild(dir, goodChild()); }},
    };
    return all;
}

} // namespace vhdx::test
