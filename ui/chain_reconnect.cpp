#include "chain_reconnect.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QTreeView>

#include "chain_folder_window.h"
#include "chain_forest_model.h"
#include "display_format.h"
#include "guarded_action.h"
#include "vhdx/chain_forest.h"
#include "vhdx/set_parent.h"

namespace vhdx::ui {

namespace {

// The selected disk's node and the parent the folder has for it; -1 when there is none.
std::pair<int, int> childAndParent(const ChainFolderWindow& w) {
    const ChainForest* f = w.forest();
    const QModelIndex i = w.treeView()->currentIndex();
    if (!f || !i.isValid())
        return {-1, -1};
    const int node = i.data(ChainForestModel::NodeRole).toInt();
    if (node < 0 || size_t(node) >= f->nodes.size())
        return {-1, -1};
    const ChainNode& n = f->nodes[size_t(node)];
    if (n.status != ChainNodeStatus::ParentElsewhere || n.guidCandidates.empty())
        return {node, -1};
    return {node, n.guidCandidates.front()};
}

} // namespace

ChainReconnect::ChainReconnect(ChainFolderWindow* window)
    : QObject(window), m_window(window), m_button(new QPushButton(tr("&Reconnect..."), window)) {
    setObjectName(QStringLiteral("chainReconnectController"));
    m_button->setObjectName(QStringLiteral("chainReconnect"));
    connect(m_button, &QPushButton::clicked, this, &ChainReconnect::showConfirmation);
    connect(window, &ChainFolderWindow::mapped, this, [this] {
        connect(m_window->treeView()->selectionModel(), &QItemSelectionModel::currentChanged, this,
                &ChainReconnect::refresh, Qt::UniqueConnection);
        refresh();
    });
    refresh();
}

ChainReconnect::~ChainReconnect() = default;

void ChainReconnect::refresh() {
    const auto [child, parent] = childAndParent(*m_window);
    m_button->setEnabled(parent >= 0);
    m_button->setToolTip(
        parent >= 0
            ? tr("Point this disk's parent locator at %1, the file of the folder with the "
                 "DataWriteGuid it expects")
                  .arg(nativePath(m_window->forest()->nodes[size_t(parent)].displayPath))
            : tr("For a disk marked PARENT ELSEWHERE: its parent is in the folder, its locator "
                 "leads elsewhere"));
}

void ChainReconnect::showConfirmation() {
    if (m_confirm) {
        m_confirm->raise();
        return;
    }
    const auto [child, parent] = childAndParent(*m_window);
    if (parent < 0)
        return;
    const ChainNode& c = m_window->forest()->nodes[size_t(child)];
    const ChainNode& p = m_window->forest()->nodes[size_t(parent)];
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    m_backupPath =
        QFile::decodeName(c.path.c_str()) + QStringLiteral(".set-parent-backup-") + stamp;
    SetParentOptions options;
    options.backupPath = QFile::encodeName(m_backupPath).toStdString();
    m_plan = std::make_shared<SetParentPlan>(planSetParent(c.path, p.path, options));
    QString text;
    QString details;
    if (!m_plan->allowed) {
        m_message = new QMessageBox(
            QMessageBox::Warning, tr("Reconnect"),
            tr("%1 cannot be reconnected to %2: %3.")
                .arg(nativePath(c.displayPath), nativePath(p.displayPath), qs(m_plan->refusal)),
            QMessageBox::Ok, m_window);
        m_message->setObjectName(QStringLiteral("chainReconnectRefused"));
        m_message->setAttribute(Qt::WA_DeleteOnClose);
        m_message->open();
        m_plan.reset();
        return;
    }
    for (const LocatorChange& ch : m_plan->changes)
        details += QStringLiteral("%1: %2 → %3\n")
                       .arg(qs(ch.key), ch.oldValue ? qs(*ch.oldValue) : tr("(none)"),
                            ch.newValue ? qs(*ch.newValue) : tr("(removed)"));
    details += QStringLiteral("\n") +
               tr("Written through the log, as the format requires: a crash at any moment leaves "
                  "the old locator or a log whose replay gives the new one. A backup of the "
                  "first MiB and the changed metadata sectors comes first:\n%1")
                   .arg(QDir::toNativeSeparators(m_backupPath));
    if (!m_plan->setVhdCommand.empty())
        details += QStringLiteral("\n\n") +
                   tr("On Windows the same is:\n%1").arg(qs(m_plan->setVhdCommand));
    m_confirm = new QMessageBox(QMessageBox::Warning, tr("Reconnect"),
                                tr("Point the parent locator of %1 at %2?")
                                    .arg(nativePath(c.displayPath), nativePath(p.displayPath)),
                                QMessageBox::NoButton, m_window);
    m_confirm->setObjectName(QStringLiteral("chainReconnectConfirmation"));
    m_confirm->setAttribute(Qt::WA_DeleteOnClose);
    m_confirm->setInformativeText(details);
    m_confirm->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPushButton* go = m_confirm->addButton(tr("Reconnect"), QMessageBox::AcceptRole);
    go->setObjectName(QStringLiteral("reconnectButton"));
    QPushButton* cancel = m_confirm->addButton(QMessageBox::Cancel);
    m_confirm->setDefaultButton(cancel);
    m_confirm->setEscapeButton(cancel);
    connect(m_confirm, &QMessageBox::buttonClicked, this, [this, go](QAbstractButton* b) {
        if (b == go)
            apply();
    });
    m_confirm->open();
}

void ChainReconnect::apply() {
    if (!m_plan)
        return;
    const SetParentPlan plan = *m_plan;
    m_plan.reset();
    SetParentOptions options;
    options.backupPath = QFile::encodeName(m_backupPath).toStdString();
    QApplication::setOverrideCursor(Qt::WaitCursor);
    const SetParentResult r = applySetParent(plan, options); // refuses if the file changed
    QApplication::restoreOverrideCursor();
    const QString child = nativePath(plan.childPath);
    QString details =
        r.backupWritten
            ? tr("Backup of what was overwritten: %1").arg(QDir::toNativeSeparators(m_backupPath))
            : QString();
    if (!r.ok && r.refused)
        details = tr("Nothing was written.");
    m_message =
        new QMessageBox(r.ok ? QMessageBox::Information : QMessageBox::Critical, tr("Reconnect"),
                        r.ok ? tr("%1 now leads to its parent %2 (re-read and verified).")
                                   .arg(child, nativePath(plan.parentPath))
                             : tr("The reconnection of %1 failed: %2.").arg(child, qs(r.error)),
                        QMessageBox::Ok, m_window);
    m_message->setObjectName(QStringLiteral("chainReconnectResult"));
    m_message->setAttribute(Qt::WA_DeleteOnClose);
    m_message->setInformativeText(details);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->open();
    m_window->startMapping(); // the forest as it is now
    emit reconnected(r.ok);
}

} // namespace vhdx::ui
