// Escaping for every output (JSON, XML, HTML, CSV, Markdown, terminals) and strict UTF-8 decoding.
#include "report/escape.hpp"

#include <algorithm>
#include <cstdio>

#include "core/text_util.hpp"

namespace tweetcheck::detail {

namespace {

/// Decodes the UTF-8 sequence at `i` (advancing it); false (one byte consumed) when it is not
/// valid UTF-8: truncated, overlong, a surrogate or past U+10FFFF.
bool decode(std::string_view s, std::size_t& i, char32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  std::size_t n = 0;
  if (c < 0x80) {
    cp = c;
    ++i;
    return true;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    cp = c & 0x07;
  } else {
    ++i;
    return false;
  }
  if (i + n >= s.size()) {
    ++i;
    return false;
  }
  for (std::size_t k = 1; k <= n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      ++i;
      return false;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  const bool overlong = (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
  if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    ++i;
    return false;
  }
  i += n + 1;
  return true;
}

bool xml_char(char32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

} // namespace

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    char32_t cp = 0;
    if (!decode(s, i, cp)) {
      out += "\xEF\xBF\xBD"; // U+FFFD
      continue;
    }
    switch (cp) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default:
      // XML 1.0 forbids most control characters, U+FFFE and U+FFFF: drop them.
      if (xml_char(cp)) out.append(s.substr(start, i - start));
    }
  }
  return out;
}

std::string csv_field(std::string_view s) {
  std::string cell(s);
  // OWASP CSV injection: a cell a spreadsheet would read as a formula starts with a quote.
  if (!cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos) cell.insert(0, "'");
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"')
      out += "\"\"";
    else
      out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string md_cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out.push_back(' ');
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out.push_back(c);
  }
  return out;
}

std::string md_code(std::string_view s) {
  std::string body;
  std::size_t run = 0, longest = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
    if (c == '|')
      body += "\\|"; // a table cell: GFM reads \| in a code span as |
    else if (c == '\n' || c == '\r')
      body.push_back(' ');
    else
      body.push_back(c);
  }
  const std::string fence(longest + 1, '`');
  // A span that starts or ends with a backtick is padded with a space (CommonMark strips one).
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`' || body.front() == ' ');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

std::string terminal_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  char buf[16];
  while (i < s.size()) {
    const std::size_t start = i;
    char32_t cp = 0;
    if (!decode(s, i, cp)) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(s[start])));
      out += buf;
      continue;
    }
    if ((cp < 0x20 && cp != '\t') || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
      out += buf;
    } else if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out;
}

bool is_http_url(std::string_view url) {
  return (starts_with_icase(url, "https://") || starts_with_icase(url, "http://")) &&
         std::none_of(url.begin(), url.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; });
}

} // namespace tweetcheck::detail
