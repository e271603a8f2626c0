#include "vhdx/image.h"

#include <algorithm>

#include "vhdx/bytes.h"
#include "vhdx/layout.h"
#include "vhdx/replayed_source.h"
#include "vhdx/schema/structures.h"
#include "vhdx/text_format.h"

namespace vhdx {

std::unique_ptr<Image> Image::open(const std::string& path, std::string& error,
                                   const ParseOptions& options) {
    std::shared_ptr<const ByteSource> src = FileSource::open(path, error);
    if (!src)
        return nullptr;
    return parse(std::move(src), options);
}

std::unique_ptr<Image> Image::parse(std::shared_ptr<const ByteSource> source,
                                    const ParseOptions& options) {
    std::unique_ptr<Image> img(new Image(std::move(source)));
    img->parseAll(options);
    return img;
}

std::unique_ptr<Image> Image::openAndScan(const std::string& path, std::string& error,
                                          const ParseOptions& options) {
    auto img = open(path, error, options);
    if (img)
        img->scanBat();
    return img;
}

namespace {

// The current header's log fields (MS-VHDX 2.2.2): 1 MiB multiples, after the header section,
// inside the file when a log is in use.
void checkLogFields(const ByteSource& src, const Header& h, Findings& f) {
    uint64_t end = 0;
    if (h.logOffset % MiB || h.logLength % MiB ||
        (h.logLength && h.logOffset < layout::headerSectionSize) ||
        addOverflows(h.logOffset, h.logLength, end))
        f.add(Severity::Error, FindingCode::HeaderLogFieldsInvalid, ref::header(h.index),
              h.offset + schema::header::logLength.offset,
              "Header " + std::to_string(h.index) + " places the log at " +
                  formatRange(h.logOffset, h.logLength) +
                  ", not a 1 MiB-aligned range after the first 1 MiB",
              "2.2.2");
    else if (h.logLength && end > src.size())
        f.add(Severity::Error, FindingCode::FileTruncated, ref::log(), h.logOffset,
              "The log " + formatRange(h.logOffset, h.logLength) + " lies beyond " +
                  fileEndText(src.size()),
              "2.3");
}

// A file without the "vhdxfile" signature is still a (damaged) VHDX when a header or a
// region table of it is valid: the signature alone was hit.
bool hasValidVhdxStructure(const ByteSource& src) {
    Findings scratch;
    if (readHeaders(src, scratch).current)
        return true;
    const Regions regions = readRegions(src, 0, 0, scratch);
    return regions.tables[0].valid() || regions.tables[1].valid();
}

std::string notVhdxMessage(const ByteSource& src, const FileIdentifier& id) {
    if (src.size() == 0)
        return "The file is empty (0 bytes)";
    if (!id.readable)
        return "The file is " + formatBytes(src.size()) +
               " long, too short for the \"vhdxfile\" signature";
    return "The file has no \"vhdxfile\" signature, no valid header and no valid region "
           "table";
}

} // namespace

void Image::prepareReplay(ReadView wanted, Findings& logFindings) {
    if (!m_log.replayNeeded)
        return;
    m_replay = std::make_unique<ReplayEffects>();
    ReplayEffects& fx = *m_replay;
    fx.plan = ReplayPlan::build(*m_source, m_log);
    fx.sizeBefore = fx.plan->storedSize();
    fx.sizeAfter = fx.plan->replayedSize();
    if (!fx.plan->buildable()) {
        fx.notReplayable = fx.plan->problem();
        logFindings.add(Severity::Error, FindingCode::LogReplayNotApplied, ref::log(), m_log.offset,
                        "The log cannot be replayed in memory: " + fx.notReplayable +
                            ". The structures shown are as stored, not the disk's",
                        "2.3.3");
        return;
    }
    m_replayed = std::make_shared<ReplayedSource>(m_source, fx.plan);
    // Format §9: a replay needs FlushedFileOffset <= file size (LOG_INVALID says so).
    if (fx.plan->headFlushedFileOffset() > m_source->size()) {
        fx.notReplayable = "the head entry's FlushedFileOffset " +
                           std::to_string(fx.plan->headFlushedFileOffset()) +
                           " lies beyond end of file (" + std::to_string(m_source->size()) +
                           " bytes)";
        return;
    }
    fx.replayable = true;
    if (wanted == ReadView::Replayed) {
        m_view = m_replayed;
        fx.applied = true;
    }
}

void Image::parseAll(const ParseOptions& givenOptions) {
    ParseOptions options = givenOptions;
    if (!options.budget)
        options.budget = std::make_shared<WorkBudget>();
    const ByteSource& file = *m_source;
    m_identifier = readFileIdentifier(file, m_findings);
    if (!m_identifier.signatureValid) {
        if (m_findings.has(FindingCode::IoError))
            return; // the identifier could not be read: nothing is known
        if (!hasValidVhdxStructure(file)) {
            m_identifier.creator.clear(); // not a creator: bytes of some other file
            m_findings.add(Severity::Error, FindingCode::NotVhdx, ref::identifier(), 0,
                           notVhdxMessage(file, m_identifier), "2.2.1");
            return; // nothing else of the file can be interpreted
        }
        m_findings.add(Severity::Error, FindingCode::IdentifierSignatureBad, ref::identifier(), 0,
                       "The file identifier's signature is \"" +
                           schema::signatureText(m_identifier.signature.data(),
                                                 schema::identifier::signature) +
                           "\", not \"vhdxfile\"; a valid header or region table shows the "
                           "file is a damaged VHDX",
                       "2.2.1");
    }
    m_isVhdx = true;
    m_headers = readHeaders(file, m_findings);
    const Header* cur = m_headers.currentHeader();
    if (cur)
        checkLogFields(*m_source, *cur, m_findings);
    const uint64_t logOffset = cur ? cur->logOffset : 0;
    const uint64_t logLength = cur ? cur->logLength : 0;
    // The log is read from the file; what follows it, through the replay when there is one.
    // Its findings keep their place after the metadata's.
    Findings logFindings;
    if (cur)
        m_log = readLog(*m_source, *cur, logFindings, *options.budget);
    prepareReplay(options.view, logFindings);
    const ByteSource& src = *m_view;
    m_regions = readRegions(src, logOffset, logLength, m_findings);
    m_metadata = readMetadata(src, m_regions.metadata, m_findings);
    m_findings.append(logFindings);

    m_reserved.push_back({0, layout::headerSectionSize, "the header section"});
    if (logLength)
        m_reserved.push_back({logOffset, logLength, "the log"});
    if (m_regions.bat)
        m_reserved.push_back({m_regions.bat->fileOffset, m_regions.bat->length, "the BAT"});
    if (m_regions.metadata)
        m_reserved.push_back(
            {m_regions.metadata->fileOffset, m_regions.metadata->length, "the metadata region"});

    if (m_metadata.geometryKnown())
        m_batGeometry = BatGeometry::compute(*m_metadata.blockSize, *m_metadata.logicalSectorSize,
                                             *m_metadata.virtualDiskSize, m_metadata.hasParent);
    if (m_batGeometry.valid && m_regions.bat) {
        const RegionEntry& bat = *m_regions.bat;
        constexpr uint64_t entrySize = schema::bat_entry::size;
        if (m_batGeometry.totalEntries > bat.length / entrySize)
            m_findings.add(Severity::Error, FindingCode::BatTooSmall, ref::bat(), bat.fileOffset,
                           "The BAT region holds " + formatCount(bat.length / entrySize) +
                               " entries but the disk needs " +
                               formatCount(m_batGeometry.totalEntries),
                           "2.5");
        // The entries the disk needs must be in the file (REGION_OUT_OF_BOUNDS only names
        // the region table; this names the BAT itself).
        const uint64_t needed =
            std::min<uint64_t>(m_batGeometry.totalEntries * entrySize, bat.length);
        if (!src.contains(bat.fileOffset, needed))
            m_findings.add(Severity::Error, FindingCode::FileTruncated, ref::bat(), bat.fileOffset,
                           "The BAT's " + formatCount(needed / entrySize) + " entries at " +
                               formatRange(bat.fileOffset, needed) + " reach beyond " +
                               fileEndText(src.size()),
                           "2.5");
        m_batReader = std::make_unique<BatReader>(src, bat.fileOffset, bat.length, m_batGeometry);
    }
    if (m_replay && m_replayed)
        describeReplay(*m_replay, *m_source, *m_replayed, m_regions, m_metadata, m_batGeometry,
                       m_findings);
    if (options.resolveParent && m_metadata.hasParent && m_metadata.parentLocator &&
        !src.path().empty()) {
        const size_t item = metadataItemIndex(m_metadata, guids::parentLocator);
        const LocatorPlace place{ref::metadataItem(item),
                                 m_metadata.regionOffset + m_metadata.entries[item].offset};
        m_parentChain = resolveParentChain(src.path(), *m_metadata.parentLocator, m_findings,
                                           options.budget, place, maxParentChainDepth, &m_metadata);
    }
}

const BatScanResult& Image::scanBat(const BatScanOptions& options) {
    if (m_batScan && m_batScan->completed)
        return *m_batScan;
    if (!m_batReader) {
        m_batScan = BatScanResult{};
        return *m_batScan;
    }
    Findings scanFindings;
    const RegionEntry& bat = *m_regions.bat;
    // The scan also finds the payload and sector-bitmap blocks the replay writes into.
    const std::vector<uint64_t> unplaced =
        m_replay ? unplacedReplayOffsets(*m_replay) : std::vector<uint64_t>();
    BatScanOptions scanOptions = options;
    if (!unplaced.empty())
        scanOptions.locate = &unplaced;
    BatScanResult r = vhdx::scanBat(*m_view, bat.fileOffset, bat.length, m_batGeometry, m_reserved,
                                    scanFindings, scanOptions);
    if (m_replay && r.completed)
        placeReplayInBlocks(*m_replay, r.located, m_batGeometry);
    // A cancelled scan leaves no BAT findings behind; a later scan starts over.
    if (m_batScan && !m_batScan->completed) {
        m_findings.removeIf([](const Finding& f) {
            return (f.where.part == Part::Bat || f.where.part == Part::BatEntry) &&
                   f.code != FindingCode::BatTooSmall && f.code != FindingCode::FileTruncated;
        });
    }
    m_findings.append(scanFindings);
    m_batScan = r;
    return *m_batScan;
}

} // namespace vhdx
