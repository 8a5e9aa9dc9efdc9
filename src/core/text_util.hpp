#pragma once
// Small text helpers shared by the scanners (private to the library).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tweetcheck::detail {

/// Decodes one code point at `i` (advancing it). Invalid bytes decode as U+FFFD, one byte each.
char32_t next_code_point(std::string_view s, std::size_t& i);
void append_utf8(std::string& out, char32_t cp);
std::u32string to_u32(std::string_view s);
std::string to_utf8(std::u32string_view s);
/// Number of UTF-16 code units needed for `cp`.
inline std::size_t utf16_len(char32_t cp) { return cp >= 0x10000 ? 2 : 1; }

bool is_space(char32_t cp); ///< Unicode white space, as twitter-text's `spaces`
std::string_view trim(std::string_view s);
std::string trim_copy(std::string_view s);
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
bool starts_with_icase(std::string_view s, std::string_view prefix);
/// Collapses runs of white space into one space and trims the ends.
std::string collapse_space(std::string_view s);
/// NFC-normalises valid UTF-8 (returns the input unchanged when utf8proc refuses it).
std::string nfc(std::string_view s);

/// Maps byte offsets of a document to 1-based line and code-point column.
class LineIndex {
public:
  explicit LineIndex(std::string_view text);
  std::uint32_t line_of(std::size_t offset) const;
  std::uint32_t column_of(std::size_t offset) const;
  std::size_t line_start(std::uint32_t line) const { return m_starts.at(line - 1); }
  std::size_t line_count() const { return m_starts.size(); }

private:
  std::string_view m_text;
  std::vector<std::size_t> m_starts;
  // The last column computed: posts come mostly in document order, so the next one on the same
  // line continues from here instead of from the line's start (a minified page is one line).
  mutable std::size_t m_last_offset = 0;
  mutable std::uint32_t m_last_line = 0, m_last_column = 0;
};

} // namespace tweetcheck::detail
