#pragma once
// Feeds as inputs (private): RSS 0.9x/2.0, RSS 1.0 (RDF), Atom and JSON Feed. Shared by scan
// (and so check) and audit. XML is parsed with libxml2, JSON Feed with nlohmann-json; each item's
// content is decoded exactly as the parser decodes it, with a map from its bytes back to the feed
// file so that positions point into the file.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/result.hpp"
#include "tweetcheck/types.hpp"

namespace tweetcheck::detail {

/// A run of decoded content that starts at `content` and came from byte `raw` of the feed file.
struct FeedRun {
  std::size_t content = 0, raw = 0;
  bool exact = false; ///< the run maps byte for byte (plain text, CDATA); else all of it maps to `raw`
};

struct FeedItem {
  std::string link; ///< the item's own URL (RSS <link>, Atom link[rel=alternate], JSON url)
  std::string id;   ///< guid / id
  std::string date; ///< pubDate / published / updated / dc:date / date_published, as written
  std::string title;
  std::string content;                    ///< decoded: the markup (or text) the item carries
  InputFormat format = InputFormat::html; ///< html, or text (JSON content_text, XML content without tags)
  std::size_t raw_start = 0;              ///< where the content element (or value) starts in the file
  std::vector<FeedRun> runs;              ///< sorted by `content`
  /// The byte of the feed file that content byte `offset` came from.
  std::size_t raw_offset(std::size_t offset) const;
};

/// Whether a document is a feed: by extension (.rss, .atom; .xml and .json by their first bytes)
/// or, with any name, by its first bytes (an <rss>, <feed> or <rdf:RDF> root; a JSON Feed version).
bool looks_like_feed(std::string_view name, std::string_view content);

/// Reads every item of a feed. Fails (Errc::parse) with a message naming the file and the line and
/// column where the feed is malformed and nothing can be read; when a recovering parse still reads
/// it, `warning` (if given) receives that message.
Result<std::vector<FeedItem>> read_feed(std::string_view name, std::string_view content,
                                        std::string* warning = nullptr);

} // namespace tweetcheck::detail
