#pragma once
/// The scan stage: finds every embedded post in one document. Pure: no I/O, no globals.

#include <string_view>

#include "tweetcheck/types.hpp"

namespace tweetcheck {

/// Finds the embedded posts of `doc`, in document order.
/// The content may be in any encoding: a BOM, <meta charset> or XML declaration is honoured,
/// undeclared non-UTF-8 input is read as Windows-1252, and invalid bytes become U+FFFD.
/// Never throws; a malformed document yields the posts it still holds.
ScanResult scan(const Document& doc);

/// Feeds (InputFormat::feed: RSS, RDF, Atom, JSON Feed) yield the posts in every item's content,
/// with positions in the feed file; a malformed feed yields a diagnostic naming line and column.
///
/// Decides how to read a document when its format is `auto_detect`: by the name's extension
/// (.rss and .atom are feeds; .xml and .json when their first bytes say so),
/// then by sniffing the first bytes for HTML markup.
InputFormat detect_format(std::string_view name, std::string_view content);

} // namespace tweetcheck
