#include "header_update_dialog.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QTableWidget>
#include <QVBoxLayout>

#include "display_format.h"
#include "status_style.h"

namespace vhdx::ui {

namespace {
QLabel* note(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->setContentsMargins(22, 0, 0, 4); // under the check box text, not under the box
    l->setStyleSheet(QStringLiteral("color: palette(placeholder-text)"));
    return l;
}
} // namespace

HeaderUpdateDialog::HeaderUpdateDialog(const QString& path, QWidget* parent)
    : QDialog(parent), m_path(QFileInfo(path).absoluteFilePath()), m_fileWriteGuid(Guid::random()),
      m_dataWriteGuid(Guid::random()), m_scroll(new QScrollArea(this)), m_intro(new QLabel(this)),
      m_table(new QTableWidget(this)), m_steps(new QLabel(this)),
      m_backup(new QCheckBox(tr("&Back up the header section first (the first 1 MiB)"), this)),
      m_backupPath(new QLineEdit(defaultBackupPath(m_path), this)),
      m_browse(new QPushButton(tr("B&rowse..."), this)),
      m_renewData(new QCheckBox(tr("Also renew the &data write GUID"), this)),
      m_refusal(new QLabel(this)),
      m_confirm(new QCheckBox(tr("&I understand that this writes to the file:"), this)),
      m_target(new QLabel(QDir::toNativeSeparators(m_path), this)) {
    setObjectName(QStringLiteral("headerUpdateDialog"));
    setWindowTitle(tr("Update Headers — %1").arg(QFileInfo(m_path).fileName()));
    m_intro->setWordWrap(true);
    m_intro->setText(
        tr("<b>Rewrite both headers of %1.</b> Each gets a higher sequence number and a new "
           "file write GUID; every other byte of the 4 KiB header is kept. Region tables, "
           "metadata, BAT, log and data are not touched.")
            .arg(QFileInfo(m_path).fileName().toHtmlEscaped()));
    buildTable();
    m_steps->setWordWrap(true);
    m_steps->setObjectName(QStringLiteral("writeSteps"));

    auto* options = new QGroupBox(tr("Options"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->setContentsMargins(22, 0, 0, 0);
    pathRow->addWidget(m_backupPath, 1);
    pathRow->addWidget(m_browse);
    m_backupPath->setObjectName(QStringLiteral("backupPath"));
    m_backup->setChecked(true);
    auto* optionsLayout = new QVBoxLayout(options);
    optionsLayout->addWidget(m_backup);
    optionsLayout->addLayout(pathRow);
    optionsLayout->addWidget(
        note(tr("A copy of the file identifier, both headers and both region tables, written and "
                "synced before the headers. Never overwrites an existing file. To undo the "
                "update: <tt>dd if=BACKUP of=IMAGE bs=1M count=1 conv=notrunc</tt>"),
             options));
    optionsLayout->addWidget(m_renewData);
    optionsLayout->addWidget(
        note(tr("Only when user-visible data inside the virtual disk was changed by something "
                "that did not renew it. Backup tools treat a new data write GUID as \"data "
                "changed\", and differencing disks created from this image record it as their "
                "parent_linkage: renewing it breaks their link to this parent."),
             options));

    // What is explained scrolls; what decides stays below it, always in sight.
    auto* content = new QWidget(m_scroll);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setSpacing(8);
    contentLayout->addWidget(m_intro);
    contentLayout->addWidget(m_table);
    contentLayout->addWidget(m_steps);
    contentLayout->addWidget(options);
    contentLayout->addStretch(1);
    m_scroll->setObjectName(QStringLiteral("planScroll"));
    m_scroll->setWidget(content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_refusal->setObjectName(QStringLiteral("refusal"));
    m_refusal->setWordWrap(true);
    m_refusal->setTextFormat(Qt::PlainText); // it may quote a path
    QFont bold = m_refusal->font();
    bold.setBold(true);
    m_refusal->setFont(bold);
    QPalette refusalPalette = m_refusal->palette();
    refusalPalette.setColor(QPalette::WindowText, statusColor(NodeStatus::Error, palette()));
    m_refusal->setPalette(refusalPalette);
    m_target->setObjectName(QStringLiteral("targetPath"));
    m_target->setTextFormat(Qt::PlainText);
    m_target->setWordWrap(true);
    m_target->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_target->setContentsMargins(22, 0, 0, 0);

    auto* buttons = new QDialogButtonBox(this);
    m_update = buttons->addButton(tr("&Update Headers"), QDialogButtonBox::AcceptRole);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_update->setObjectName(QStringLiteral("updateButton"));
    m_update->setAutoDefault(false);
    m_cancel->setDefault(true); // Enter must never write
    m_cancel->setFocus();
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(6);
    layout->addWidget(m_scroll, 1);
    layout->addWidget(m_refusal);
    layout->addWidget(m_confirm);
    layout->addWidget(m_target);
    layout->addWidget(buttons);

    connect(m_backup, &QCheckBox::toggled, this, &HeaderUpdateDialog::replan);
    connect(m_backupPath, &QLineEdit::textChanged, this, &HeaderUpdateDialog::replan);
    connect(m_renewData, &QCheckBox::toggled, this, &HeaderUpdateDialog::replan);
    connect(m_confirm, &QCheckBox::toggled, this, &HeaderUpdateDialog::updateButtons);
    connect(m_browse, &QPushButton::clicked, this, &HeaderUpdateDialog::browse);
    replan();
    fitToScreen();
}

// As large as the content wants, at most the available part of the screen; the minimum keeps
// the decision (refusal, tick, buttons) and a few lines of the plan.
void HeaderUpdateDialog::fitToScreen() {
    const QRect avail = screen() ? screen()->availableGeometry() : QRect(0, 0, 1024, 700);
    QWidget* content = m_scroll->widget();
    const int w = std::min(std::max(content->sizeHint().width() + 40, 780), avail.width() - 40);
    const int contentHeight = content->hasHeightForWidth() ? content->heightForWidth(w - 30)
                                                           : content->sizeHint().height();
    const int fixedPart = m_refusal->sizeHint().height() + m_confirm->sizeHint().height() +
                          m_target->heightForWidth(w - 30) + 120;
    const int h = std::min(contentHeight + fixedPart, avail.height() - 60);
    setMinimumSize(std::min(420, avail.width() - 20), std::min(360, avail.height() - 20));
    resize(w, std::max(h, minimumHeight()));
}

QString HeaderUpdateDialog::defaultBackupPath(const QString& path) {
    return QFileInfo(path).absoluteFilePath() + QStringLiteral(".headers-") +
           QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
           QStringLiteral(".bak");
}

void HeaderUpdateDialog::replan() {
    m_options = HeaderUpdateOptions();
    m_options.fileWriteGuid = m_fileWriteGuid;
    m_options.newDataWriteGuid = m_renewData->isChecked();
    if (m_options.newDataWriteGuid)
        m_options.dataWriteGuid = m_dataWriteGuid;
    m_backupPath->setEnabled(m_backup->isChecked());
    m_browse->setEnabled(m_backup->isChecked());
    if (m_backup->isChecked()) {
        // A relative path is taken relative to the image, not to the working directory.
        const QString backup = m_backupPath->text().trimmed();
        if (!backup.isEmpty())
            m_options.backupPath =
                QDir(QFileInfo(m_path).path()).absoluteFilePath(backup).toStdString();
    }
    m_plan = planHeaderUpdate(m_path.toStdString(), m_options);
    // An empty path would mean "no backup" to core: with the box ticked, refuse instead.
    if (m_plan.allowed && m_backup->isChecked() && m_options.backupPath.empty()) {
        m_plan.allowed = false;
        m_plan.refusal =
            tr("no backup path given (untick the backup to update without one)").toStdString();
    }
    fillTable();
    m_steps->setText(stepsText());
    m_refusal->setText(
        m_plan.allowed ? QString() : tr("Cannot update the headers: %1").arg(qs(m_plan.refusal)));
    m_refusal->setVisible(!m_plan.allowed);
    updateButtons();
}

void HeaderUpdateDialog::updateButtons() {
    m_confirm->setEnabled(m_plan.allowed);
    m_update->setEnabled(m_plan.allowed && m_confirm->isChecked());
}

void HeaderUpdateDialog::browse() {
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Back up the header section to"), m_backupPath->text(),
        tr("Backups (*.bak);;All files (*)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (!chosen.isEmpty())
        m_backupPath->setText(chosen); // re-plans; an existing file is refused there
}

QString HeaderUpdateDialog::stepsText() const {
    if (!m_plan.allowed)
        return {};
    const HeaderSlotPlan& a = m_plan.steps[0];
    const HeaderSlotPlan& b = m_plan.steps[1];
    return tr("<b>How it is written</b> (the file is locked, and checked to be unchanged since "
              "this dialog read it):<ol style='margin-top:0'>"
              "<li>Header %1 (not current) gets sequence %2 and is flushed to disk. From then "
              "on it is the current header: if anything stops here, the file stays "
              "consistent.</li>"
              "<li>Header %3 gets sequence %4 and is flushed, so both slots hold valid, current "
              "data.</li>"
              "<li>Both are read back and verified.</li></ol>")
        .arg(a.slot)
        .arg(a.newSequence)
        .arg(b.slot)
        .arg(b.newSequence);
}

} // namespace vhdx::ui
