#pragma once
// Shared helpers of the folder (--chains) tests: map a folder, find a node by its path, name
// its parent, list the findings compactly.
#include <QString>
#include <QStringList>

#include <string>

#include "core_test_helpers.h"
#include "vhdx/chain_forest.h"

namespace vhdx::test {

inline const ChainNode* nodeAt(const ChainForest& f, const std::string& path) {
    for (const ChainNode& n : f.nodes)
        if (n.displayPath == path)
            return &n;
    return nullptr;
}

// The display path of the node's parent, "-" when it has none (or there is no such node).
inline std::string parentOf(const ChainForest& f, const std::string& path) {
    const ChainNode* n = nodeAt(f, path);
    return n && n->parent >= 0 ? f.nodes[size_t(n->parent)].displayPath : std::string("-");
}

// The folder's forest; a folder that cannot be mapped ends the test program.
inline ChainForest mapFolder(const QString& dir, const ForestOptions& options = {}) {
    std::string error;
    auto f = mapChains(dir.toStdString(), error, options);
    if (!f)
        qFatal("mapChains failed: %s", error.c_str());
    return std::move(*f);
}

// "CODE@path" of every finding, sorted, for compact comparisons.
inline QStringList codes(const ChainForest& f) {
    QStringList out;
    for (const ChainFinding& x : f.findings.items())
        out << qs(codeName(x.code)) + "@" + qs(x.path);
    out.sort();
    return out;
}

} // namespace vhdx::test
