#pragma once
// Escaping for the report writers (private).
#include <string>
#include <string_view>

namespace tweetcheck::detail {
/// &, <, >, " and ' as entities (HTML text and attribute values, XML).
std::string html_escape(std::string_view s);
/// An RFC 4180 field: quoted when it holds a comma, quote or line break; quotes doubled.
std::string csv_field(std::string_view s);
/// Markdown table cell: pipes escaped, line breaks as spaces.
std::string md_cell(std::string_view s);
} // namespace tweetcheck::detail
