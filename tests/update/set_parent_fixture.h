#pragma once
// The set-parent tests' folder and checks: a base and a child whose locator leads nowhere;
// what the child's locator reads as now (the old one, a pending log that gives the new one,
// the new one); the bytes the set-parent may not touch.
#include <QByteArray>
#include <QDir>
#include <QString>
#include <QTemporaryDir>

#include <string>
#include <utility>
#include <vector>

#include "chain_builder.h"
#include "vhdx/set_parent.h"

namespace vhdx::test {

using LocatorEntries = std::vector<std::pair<std::string, std::string>>;

// One new folder per test case, below one temporary root.
class CaseFolders {
  public:
    QString next() {
        const QString dir = m_root.filePath(QString::number(++m_cases));
        QDir().mkpath(dir);
        return dir;
    }

  private:
    QTemporaryDir m_root;
    int m_cases = 0;
};

struct ReconnectCase {
    QString dir, child, parent;
    LocatorEntries oldLocator; // the child's, as written
};

// dir/vms/base.vhdx (DataWriteGuid chainGuid(1)) and dir/child.avhdx made from it, whose
// locator leads to old/base.vhdx (gone) and a volume path, with a key of another writer.
// `child` lets a test change the child's spec first.
[[nodiscard]] ReconnectCase makeReconnectCase(const QString& dir,
                                              void (*child)(ImageSpec&) = nullptr);

// The locator entries of the image at path as stored (no replay); empty when unreadable.
[[nodiscard]] LocatorEntries storedLocator(const QString& path);

// MD5 of every byte of the image at path outside its header blocks, its log and its metadata
// region (as its current header and region table name them).
[[nodiscard]] QByteArray digestOutsideWrites(const QString& path);

enum class LocatorState { Old, LogPending, New, Broken };
[[nodiscard]] const char* locatorStateName(LocatorState s);
// What the file holds: Old (no active log, the old locator), LogPending (an active log whose
// sectors are exactly the plan's and whose replay - applied here to a copy in memory - gives
// the new locator), New (no active log, the new locator), else Broken with why set.
[[nodiscard]] LocatorState locatorState(const QString& path, const LocatorEntries& oldLocator,
                                        const SetParentPlan& plan, QString* why);

} // namespace vhdx::test
