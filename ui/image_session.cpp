#include "image_session.h"

#include <QtConcurrent/QtConcurrentRun>

#include "vhdx/image.h"

namespace vhdx::ui {

std::unique_ptr<ImageSession> ImageSession::open(const QString& path, QString& error,
                                                 ReadView view) {
    std::string err;
    ParseOptions options;
    options.view = view;
    std::unique_ptr<Image> image = Image::open(path.toStdString(), err, options);
    if (!image) {
        error = QString::fromStdString(err);
        return nullptr;
    }
    return std::unique_ptr<ImageSession>(new ImageSession(std::move(image), path));
}

ImageSession::ImageSession(std::unique_ptr<Image> image, QString path)
    : m_image(std::move(image)), m_path(std::move(path)), m_findings(m_image->findings().items()) {
    if (m_image->isVhdx())
        if (auto vd = summarizeVirtualDisk(*m_image))
            m_virtualDisk = std::make_shared<const VirtualDiskSummary>(std::move(*vd));
    rebuild(false);
    connect(&m_watcher, &QFutureWatcher<bool>::finished, this, &ImageSession::onScanEnded);
}

ImageSession::~ImageSession() {
    m_cancel = true;
    m_watcher.waitForFinished();
}

void ImageSession::rebuild(bool scanDone) {
    DocumentOptions options;
    options.scanDone = scanDone;
    options.virtualDisk = m_virtualDisk;
    m_document = buildDocument(*m_image, m_findings, options);
    m_verdict = assessImage(*m_image, m_findings);
}

std::vector<Finding> ImageSession::orderedFindings() const {
    std::vector<Finding> out;
    out.reserve(m_findings.size());
    for (size_t i : findingOrder(m_verdict))
        out.push_back(m_findings[i]);
    return out;
}

bool ImageSession::isVhdx() const {
    return m_image->isVhdx();
}

void ImageSession::startScan() {
    if (m_scanning || m_scanDone)
        return;
    if (!m_image->batReader()) {
        // Nothing to scan; the parse findings already say why.
        m_scanDone = true;
        rebuild(true);
        emit scanFinished(false);
        return;
    }
    m_scanning = true; // a cancel requested before the start stays in force
    m_lastPermille = -1;
    Image* image = m_image.get();
    m_watcher.setFuture(QtConcurrent::run([this, image] {
        BatScanOptions options;
        options.cancel = &m_cancel;
        options.progress = [this](uint64_t done, uint64_t total) {
            // Throttle to 1/1000 steps: a 67-million-entry scan must not flood the event loop.
            const int permille = total ? int(done * 1000 / total) : 1000;
            if (permille != m_lastPermille.exchange(permille))
                emit scanProgress(done, total); // queued to the GUI thread's receivers
        };
        return image->scanBat(options).completed;
    }));
}

void ImageSession::cancelScan() {
    m_cancel = true;
}

void ImageSession::waitForScan() {
    startScan(); // when it has not started yet
    if (!m_scanning)
        return;
    m_watcher.waitForFinished();
    onScanEnded(); // now, rather than when the queued finished() arrives
}

void ImageSession::onScanEnded() {
    if (!m_scanning)
        return;
    m_scanning = false;
    m_scanDone = true;
    m_findings = m_image->findings().items();
    rebuild(true);
    emit scanFinished(m_watcher.future().result());
}

} // namespace vhdx::ui
