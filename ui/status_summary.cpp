#include "status_summary.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include "display_format.h"
#include "image_session.h"
#include "status_style.h"
#include "vhdx/image.h"

namespace vhdx::ui {

StatusSummary::StatusSummary(QWidget* parent)
    : QWidget(parent), m_sizeLabel(new QLabel(this)), m_blockLabel(new QLabel(this)),
      m_typeLabel(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_cancel(new QToolButton(this)), m_verdictLabel(new QLabel(this)) {
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->setFormat(tr("BAT scan %p%"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the BAT scan (its findings will be incomplete)"));
    m_cancel->setAutoRaise(true);
    m_verdictLabel->setObjectName(QStringLiteral("verdictLabel"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addStretch(1); // keep the parts together at the right end
    for (QWidget* w : std::initializer_list<QWidget*>{m_sizeLabel, m_blockLabel, m_typeLabel,
                                                      m_progress, m_cancel, m_verdictLabel}) {
        if (auto* l = qobject_cast<QLabel*>(w))
            l->setContentsMargins(6, 0, 6, 0);
        layout->addWidget(w);
    }
    connect(m_cancel, &QToolButton::clicked, this, &StatusSummary::cancelRequested);
    showSession(nullptr);
}

void StatusSummary::setProgress(quint64 done, quint64 total) {
    m_progress->setValue(total ? int(done * 1000 / total) : 1000);
}

void StatusSummary::showSession(const ImageSession* session) {
    const bool scanPending = session && !session->scanDone();
    m_progress->setVisible(scanPending);
    m_cancel->setVisible(scanPending);
    if (!scanPending)
        m_progress->setValue(0);
    if (!session) {
        for (QLabel* l : {m_sizeLabel, m_blockLabel, m_typeLabel, m_verdictLabel})
            l->clear();
        return;
    }
    const Metadata& md = session->image().metadata();
    m_sizeLabel->setText(md.virtualDiskSize
                             ? tr("Virtual size: %1").arg(formatSize(*md.virtualDiskSize))
                             : tr("Virtual size: unknown"));
    m_blockLabel->setText(md.blockSize ? tr("Block size: %1").arg(formatSize(*md.blockSize))
                                       : tr("Block size: unknown"));
    const QString type = md.hasParent              ? tr("differencing")
                         : md.leaveBlocksAllocated ? tr("fixed")
                                                   : tr("dynamic");
    m_typeLabel->setText(tr("Type: %1").arg(type));
    size_t errors = 0;
    size_t warnings = 0;
    for (const Finding& f : session->findings()) {
        errors += f.severity == Severity::Error;
        warnings += f.severity == Severity::Warning;
    }
    QStringList parts;
    if (errors)
        parts << (errors == 1 ? tr("1 error") : tr("%1 errors").arg(errors));
    if (warnings)
        parts << (warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings));
    QString verdict = parts.isEmpty() ? tr("clean") : parts.join(QStringLiteral(", "));
    if (scanPending)
        verdict += tr(" so far");
    const NodeStatus worst = errors     ? NodeStatus::Error
                             : warnings ? NodeStatus::Warning
                                        : NodeStatus::Ok;
    m_verdictLabel->setText(
        QStringLiteral("<b style='color:%1'>%2</b>").arg(statusColor(worst).name(), verdict));
}

} // namespace vhdx::ui
