#include "block_view_dialog.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

#include "display_format.h"
#include "hex_view.h"
#include "vhdx/byte_source.h"
#include "vhdx/image.h"
#include "vhdx/virtual_disk.h"

namespace vhdx::ui {

// The block's bytes as the guest reads them; offsets are within the block. A missing
// parent's sectors read as zeros (the origins say which).
class BlockViewDialog::BlockSource : public ByteSource {
  public:
    BlockSource(const VirtualDisk& disk, uint64_t start, uint64_t length)
        : m_disk(disk), m_start(start), m_length(length) {}
    [[nodiscard]] uint64_t size() const override { return m_length; }
    [[nodiscard]] ReadStatus read(uint64_t offset, void* buf, size_t len) const override {
        if (offset > m_length || len > m_length - offset)
            return ReadStatus::PastEnd;
        VirtualDiskOptions o;
        o.missingParentAsZeros = true;
        const VirtualReadResult r =
            m_disk.read(m_start + offset, len, static_cast<uint8_t*>(buf), o);
        return r.ok() ? ReadStatus::Ok : ReadStatus::IoError;
    }

  private:
    const VirtualDisk& m_disk;
    uint64_t m_start, m_length;
};

namespace {

constexpr int maxRunsShown = 200;

QString originText(const SectorOrigin& o) {
    switch (o.kind) {
    case SectorOrigin::Kind::File:
        return o.level == 0 ? BlockViewDialog::tr("this file at %1").arg(formatOffset(o.fileOffset))
                            : BlockViewDialog::tr("parent %1 at %2")
                                  .arg(o.level)
                                  .arg(formatOffset(o.fileOffset));
    case SectorOrigin::Kind::Zero:
        return BlockViewDialog::tr("zeros (no data stored)");
    case SectorOrigin::Kind::MissingParent:
        return BlockViewDialog::tr("the missing parent (shown as zeros): %1").arg(qs(o.problem));
    case SectorOrigin::Kind::Corrupt:
        return BlockViewDialog::tr("cannot be read: %1").arg(qs(o.problem));
    }
    return {};
}

// The same kind of origin (for stored data the caller also checks the file offset follows).
bool sameKind(const SectorOrigin& a, const SectorOrigin& b) {
    return a.kind == b.kind && a.level == b.level && a.problem == b.problem;
}

} // namespace

BlockViewDialog::BlockViewDialog(const Image& image, uint64_t block, QWidget* parent)
    : QDialog(parent), m_title(new QLabel(this)), m_origins(new QPlainTextEdit(this)),
      m_openParent(new QPushButton(tr("Open &Parent"), this)) {
    setObjectName(QStringLiteral("blockViewDialog"));
    setAttribute(Qt::WA_DeleteOnClose);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    m_origins->setReadOnly(true);
    m_origins->setObjectName(QStringLiteral("blockOrigins"));
    m_hex = new HexView(this);
    std::string why;
    m_disk = VirtualDisk::open(image, why);
    const uint64_t blockSize = image.batGeometry().blockSize;
    if (!m_disk || !blockSize) {
        m_title->setText(tr("The virtual disk cannot be read: %1").arg(qs(why)));
    } else {
        const uint64_t start = block * blockSize;
        const uint64_t length =
            start < m_disk->size() ? std::min(blockSize, m_disk->size() - start) : 0;
        m_source = std::make_unique<BlockSource>(*m_disk, start, length);
        m_hex->setSource(m_source.get());
        setWindowTitle(tr("Block %1 — VHDX Inspector").arg(formatCount(block)));
        m_title->setText(
            tr("Payload block %1: virtual bytes %2. Offsets below are within the "
               "block (virtual offset = %3 + offset); bytes read from a parent are tinted.")
                .arg(formatCount(block), formatRange(start, length), formatOffset(start)));
        // Sector by sector, in runs of one origin.
        const uint64_t ss = std::max<uint64_t>(1, m_disk->sectorSize());
        const uint64_t first = start / ss, count = length / ss;
        uint64_t runStart = 0;
        SectorOrigin runOrigin;
        std::vector<ByteRange> fromParents; // tinted in the hex view
        auto flush = [&](uint64_t end) {
            if (end > runStart && runOrigin.kind == SectorOrigin::Kind::File && runOrigin.level > 0)
                fromParents.push_back({runStart * ss, (end - runStart) * ss});
            if (end > runStart && m_runs.size() < maxRunsShown)
                m_runs << tr("sectors %1-%2 (%3): %4")
                              .arg(formatCount(first + runStart), formatCount(first + end - 1),
                                   formatBytes((end - runStart) * ss), originText(runOrigin));
        };
        for (uint64_t i = 0; i < count; ++i) {
            const SectorOrigin o = m_disk->locate(first + i);
            if (i == 0) {
                runOrigin = o;
            } else if (!sameKind(runOrigin, o) ||
                       (o.kind == SectorOrigin::Kind::File &&
                        o.fileOffset != runOrigin.fileOffset + (i - runStart) * ss)) {
                flush(i);
                runStart = i;
                runOrigin = o;
            }
        }
        flush(count);
        if (m_runs.size() >= maxRunsShown)
            m_runs << tr("(more runs not listed)");
        m_hex->setHighlight(std::move(fromParents));
        m_hex->scrollToOffset(0);
    }
    m_origins->setPlainText(m_runs.join(QLatin1Char('\n')));
    m_origins->setMaximumBlockCount(maxRunsShown + 2);

    const bool hasParent = m_disk && m_disk->levels() > 1;
    m_openParent->setEnabled(hasParent);
    m_openParent->setToolTip(hasParent ? QFile::decodeName(m_disk->level(1).path().c_str())
                                       : tr("This disk has no opened parent"));
    connect(m_openParent, &QPushButton::clicked, this, [this] {
        if (m_disk && m_disk->levels() > 1)
            emit openRequested(QFile::decodeName(m_disk->level(1).path().c_str()));
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_openParent, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_origins);
    split->addWidget(m_hex);
    split->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(split, 1);
    layout->addWidget(buttons);
    resize(900, 640);
}

BlockViewDialog::~BlockViewDialog() {
    if (m_hex)
        m_hex->setSource(nullptr);
}

QString BlockViewDialog::originsText() const {
    return m_origins->toPlainText();
}

} // namespace vhdx::ui
