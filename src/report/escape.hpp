#pragma once
// Escaping for the report writers (private).
#include <string>
#include <string_view>

namespace tweetcheck::detail {
/// &, <, >, " and ' as entities (HTML text and attribute values, XML). Only characters XML 1.0
/// allows are kept: other C0 controls, U+FFFE and U+FFFF are dropped, invalid UTF-8 becomes U+FFFD.
std::string html_escape(std::string_view s);
/// An RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled. A field
/// starting with =, +, -, @, tab or CR is prefixed with ' (OWASP: no formula injection).
std::string csv_field(std::string_view s);
/// Markdown table cell: pipes escaped, line breaks as spaces, < > & as entities (no raw HTML).
std::string md_cell(std::string_view s);
/// A Markdown code span holding `s` literally, whatever backticks it holds (a fence longer than
/// its longest run of backticks), for a table cell.
std::string md_code(std::string_view s);
/// Text for a terminal: control characters (C0 but tab, DEL, C1), bidirectional overrides and
/// invalid UTF-8 bytes become visible escapes (\x1b, \u009b, \u202e), so nothing written by an
/// article, a source or a file name can move the cursor, set the title or write the clipboard.
std::string terminal_text(std::string_view s);
/// An http(s) URL (for a link in a report); false for any other scheme.
bool is_http_url(std::string_view url);
} // namespace tweetcheck::detail
