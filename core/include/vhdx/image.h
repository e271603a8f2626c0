#pragma once
// A parsed image: every structure with its own status, and the findings. Parsing never
// throws for bad content and goes on past damage. The BAT is not read by parse(); scanBat()
// reads it in chunks and adds its findings.
//
// The identifier, the headers and the log are read from the file. When the log holds an
// active sequence that can be replayed, everything after them (region tables, metadata, BAT,
// parent chain, BAT scan) is read through a ReplayedSource: the disk as after the replay.
// ParseOptions::view = Stored reads them as stored instead.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vhdx/bat.h"
#include "vhdx/byte_source.h"
#include "vhdx/file_identifier.h"
#include "vhdx/findings.h"
#include "vhdx/header.h"
#include "vhdx/log.h"
#include "vhdx/metadata.h"
#include "vhdx/parent_chain.h"
#include "vhdx/region_table.h"
#include "vhdx/replay_effects.h"
#include "vhdx/work_budget.h"

namespace vhdx {

// Which bytes the structures after the headers and the log are read from.
enum class ReadView {
    Replayed, // the file as a replay of its active log sequence would leave it (in memory)
    Stored,   // the bytes as they are on disk
};

struct ParseOptions {
    // Replayed applies only when an active sequence exists and can be replayed (MS-VHDX 2.3);
    // otherwise the image is read as stored.
    ReadView view = ReadView::Replayed;
    bool resolveParent = true; // only for file sources
    // Shared by the image and its ancestors; null: a new default budget for this open.
    std::shared_ptr<WorkBudget> budget;
};

class Image {
  public:
    // Opens a file read-only and parses it. Null with error set when it cannot be opened.
    [[nodiscard]] static std::unique_ptr<Image> open(const std::string& path, std::string& error,
                                                     const ParseOptions& options = {});
    [[nodiscard]] static std::unique_ptr<Image> parse(std::shared_ptr<const ByteSource> source,
                                                      const ParseOptions& options = {});

    // The file as stored.
    [[nodiscard]] const ByteSource& source() const { return *m_source; }
    [[nodiscard]] uint64_t fileSize() const { return m_source->size(); }
    // The bytes the structures were read from: the replayed view or the file.
    [[nodiscard]] const ByteSource& view() const { return *m_view; }
    [[nodiscard]] std::shared_ptr<const ByteSource> viewPtr() const { return m_view; }
    // Replayed only when a replay was applied in memory.
    [[nodiscard]] ReadView viewKind() const {
        return m_replay && m_replay->applied ? ReadView::Replayed : ReadView::Stored;
    }
    // What a replay of the active log sequence changes and which file ranges each descriptor
    // overlays (plan()->overlays()); null when the log has no active sequence.
    [[nodiscard]] const ReplayEffects* replay() const { return m_replay.get(); }
    [[nodiscard]] std::string path() const { return m_source->path(); }

    // The file is a VHDX: its identifier holds the signature, or (a damaged identifier) a
    // header or region table is valid. False for NOT_VHDX: nothing else was parsed.
    [[nodiscard]] bool isVhdx() const { return m_isVhdx; }
    [[nodiscard]] const FileIdentifier& identifier() const { return m_identifier; }
    [[nodiscard]] const HeaderPair& headers() const { return m_headers; }
    [[nodiscard]] const Regions& regions() const { return m_regions; }
    [[nodiscard]] const Metadata& metadata() const { return m_metadata; }
    [[nodiscard]] const BatGeometry& batGeometry() const { return m_batGeometry; }
    [[nodiscard]] const Log& log() const { return m_log; }
    [[nodiscard]] const std::vector<ParentLink>& parentChain() const { return m_parentChain; }
    // Null when there is no usable BAT region or geometry.
    [[nodiscard]] const BatReader* batReader() const { return m_batReader.get(); }

    // Findings of the parse (structure findings), plus the scan's once scanBat ran.
    [[nodiscard]] const Findings& findings() const { return m_findings; }
    [[nodiscard]] const std::optional<BatScanResult>& batScan() const { return m_batScan; }

    // Full BAT validation scan; runs once (later calls return the stored result unless the
    // earlier one was cancelled). Safe to call from a worker thread while the GUI reads the
    // other (const) structures; the result and its findings are merged on return.
    const BatScanResult& scanBat(const BatScanOptions& options = {});
    // Parse + scan, as the CLI does.
    [[nodiscard]] static std::unique_ptr<Image>
    openAndScan(const std::string& path, std::string& error, const ParseOptions& options = {});

  private:
    explicit Image(std::shared_ptr<const ByteSource> s) : m_source(s), m_view(std::move(s)) {}
    void parseAll(const ParseOptions& options);
    void prepareReplay(ReadView wanted, Findings& logFindings);

    std::shared_ptr<const ByteSource> m_source;
    std::shared_ptr<const ByteSource> m_view;
    std::unique_ptr<ReplayEffects> m_replay;
    std::shared_ptr<const ByteSource> m_replayed; // the layer, also when not applied
    FileIdentifier m_identifier;
    bool m_isVhdx = false;
    HeaderPair m_headers;
    Regions m_regions;
    Metadata m_metadata;
    BatGeometry m_batGeometry;
    Log m_log;
    std::vector<ParentLink> m_parentChain;
    std::unique_ptr<BatReader> m_batReader;
    std::vector<ReservedRange> m_reserved;
    Findings m_findings;
    std::optional<BatScanResult> m_batScan;
};

} // namespace vhdx
