#pragma once
// What the guarded-write actions (Tools > Update Headers, Tools > Replay Log, the chains
// window's Reconnect) share: core's refusals as sentences, paths as the user writes them, and
// an action whose tool tip and status tip always say why it is enabled or not.
#include <QAction>
#include <QDir>
#include <QFile>
#include <QString>

#include <string>

#include "display_format.h"

namespace vhdx::ui {

// "the file changed" -> "The file changed".
[[nodiscard]] inline QString sentenceCase(const std::string& text) {
    QString s = qs(text);
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

// A path from core (file-system bytes) with the platform's separators.
[[nodiscard]] inline QString nativePath(const std::string& path) {
    return QDir::toNativeSeparators(QFile::decodeName(path.c_str()));
}

inline void explainAction(QAction* action, bool enabled, const QString& why) {
    action->setEnabled(enabled);
    action->setToolTip(why);
    action->setStatusTip(why);
}

} // namespace vhdx::ui
