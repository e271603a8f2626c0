#include "status_summary.h"

#include <QEvent>
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

void StatusSummary::setStale(const QString& why) {
    m_stale = why;
    showSession(m_session);
}

void StatusSummary::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        showSession(m_session); // the verdict's colour follows the palette
}

void StatusSummary::showSession(const ImageSession* session) {
    if (session != m_session)
        m_stale.clear();
    m_session = session;
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
    // Core's word: "unknown" when the File Parameters were not read, never a guess.
    m_typeLabel->setText(tr("Type: %1").arg(qs(diskTypeName(diskType(md)))));
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
    // Core's verdict: "clean" only when nothing is wrong, pending or unchecked.
    const Verdict& v = session->verdict();
    QString verdict = qs(verdictWord(v));
    if (!parts.isEmpty())
        verdict += QStringLiteral(" (%1)").arg(parts.join(QStringLiteral(", ")));
    if (scanPending)
        verdict += tr(", so far");
    NodeStatus worst = v.clean ? NodeStatus::Ok : NodeStatus::Warning;
    if (v.usable == Usability::No || v.usable == Usability::Damaged)
        worst = NodeStatus::Error;
    if (!m_stale.isEmpty()) {
        verdict = tr("changed on disk: reload");
        worst = NodeStatus::Warning;
    }
    m_verdictLabel->setTextFormat(Qt::PlainText);
    m_verdictLabel->setText(verdict);
    QFont bold = m_verdictLabel->font();
    bold.setBold(true);
    m_verdictLabel->setFont(bold);
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, statusColor(worst, palette()));
    m_verdictLabel->setPalette(pal);
    m_verdictLabel->setToolTip(qs(v.summary));
}

} // namespace vhdx::ui
