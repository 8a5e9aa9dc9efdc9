#pragma once
// Conversion of input bytes to UTF-8 (private).

#include <string>
#include <string_view>

namespace tweetcheck::detail {

struct Decoded {
  std::string text; ///< valid UTF-8 (empty when the input is borrowed)
  /// Valid UTF-8 input is not copied: then this views the input (without its BOM), which must
  /// outlive the result.
  std::string_view borrowed;
  bool is_borrowed = false;
  /// The document as UTF-8.
  std::string_view utf8() const { return is_borrowed ? borrowed : std::string_view(text); }
  std::string encoding;     ///< what the input was read as ("utf-8", "windows-1252", "shift_jis", ...)
  std::size_t replaced = 0; ///< invalid sequences replaced by U+FFFD
};

/// Converts a document to UTF-8. Honours a BOM, then (for HTML) <meta charset> / http-equiv /
/// XML declaration; valid UTF-8 stays UTF-8 whatever it declares; undeclared non-UTF-8 input is
/// read as Windows-1252. Invalid bytes become U+FFFD. Never fails.
Decoded decode_to_utf8(std::string_view bytes, bool is_html);

/// True when `s` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view s);

} // namespace tweetcheck::detail
