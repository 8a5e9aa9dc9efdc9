// Every document as UTF-8: BOM, declared charset (meta, XML declaration), iconv, invalid bytes replaced.
#include "scan/charset.hpp"
#include "core/handles.hpp"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iconv.h>

#include "core/text_util.hpp"

namespace tweetcheck::detail {

namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";

/// Appends `s` to `out`, replacing every invalid sequence with U+FFFD; counts replacements.
std::size_t sanitize_utf8(std::string_view s, std::string& out) {
  std::size_t replaced = 0;
  out.reserve(out.size() + s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII runs.
    std::size_t j = i;
    while (j < s.size() && static_cast<unsigned char>(s[j]) < 0x80) {
      ++j;
    }
    out.append(s.substr(i, j - i));
    i = j;
    if (i >= s.size()) {
      break;
    }
    const std::size_t start = i;
    const char32_t cp = next_code_point(s, i);
    if (cp == 0xFFFD && !(i - start == 3 && s.substr(start, 3) == k_replacement)) {
      out.append(k_replacement);
      ++replaced;
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return replaced;
}

/// Finds a charset declared in the first bytes of an HTML/XML document.
std::string declared_charset(std::string_view bytes) {
  const std::string head = ascii_lower(bytes.substr(0, 4096));
  for (std::string_view key : {std::string_view("charset="), std::string_view("encoding=")}) {
    std::size_t pos = head.find(key);
    while (pos != std::string::npos) {
      std::size_t i = pos + key.size();
      while (i < head.size() && (head[i] == '"' || head[i] == '\'' || head[i] == ' ')) {
        ++i;
      }
      std::size_t j = i;
      while (j < head.size() && (std::isalnum(static_cast<unsigned char>(head[j])) || head[j] == '-' ||
                                 head[j] == '_' || head[j] == ':' || head[j] == '.')) {
        ++j;
      }
      if (j > i) {
        return head.substr(i, j - i);
      }
      pos = head.find(key, j);
    }
  }
  return {};
}

/// Converts with iconv; undecodable bytes become U+FFFD. Returns false if iconv lacks the charset.
bool iconv_convert(std::string_view bytes, const std::string& from, Decoded& out) {
  const Iconv conv("UTF-8", from.c_str());
  if (!conv.valid()) {
    return false;
  }
  iconv_t cd = conv.get();
  std::string result;
  result.reserve(bytes.size() * 2);
  char buf[16384];
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  while (in_left > 0) {
    char* outp = buf;
    std::size_t out_left = sizeof(buf);
    const std::size_t rc = iconv(cd, &in, &in_left, &outp, &out_left);
    result.append(buf, sizeof(buf) - out_left);
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        continue;
      }
      // EILSEQ or EINVAL (truncated sequence at the end): replace one byte and go on.
      result.append(k_replacement);
      ++out.replaced;
      ++in;
      --in_left;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);
    }
  }
  out.text = std::move(result);
  return true;
}

std::string normalise_charset(std::string cs) {
  if (cs == "utf8") return "utf-8";
  if (cs == "latin1" || cs == "iso-8859-1" || cs == "us-ascii" || cs == "ascii" || cs == "iso8859-1") {
    return "windows-1252"; // as browsers do (WHATWG Encoding)
  }
  if (cs == "x-sjis" || cs == "sjis" || cs == "shift-jis" || cs == "ms_kanji" || cs == "windows-31j") {
    return "cp932";
  }
  if (cs == "shift_jis") return "cp932";
  if (cs == "gb2312" || cs == "gbk") return "gb18030";
  return cs;
}

} // namespace

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    // ASCII runs eight bytes at a time.
    while (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= s.size()) break;
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (next_code_point(s, i) == 0xFFFD && s.substr(start, i - start) != k_replacement) {
      return false;
    }
  }
  return true;
}

Decoded decode_to_utf8(std::string_view bytes, bool is_html) {
  Decoded out;
  // Byte order marks decide first.
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    out.encoding = "utf-8";
    if (is_valid_utf8(bytes.substr(3))) {
      out.borrowed = bytes.substr(3);
      out.is_borrowed = true;
      return out;
    }
    out.replaced = sanitize_utf8(bytes.substr(3), out.text);
    return out;
  }
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    const std::string from = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    if (iconv_convert(bytes.substr(2), from, out)) {
      out.encoding = from == "UTF-16LE" ? "utf-16le" : "utf-16be";
      return out;
    }
  }
  if (is_valid_utf8(bytes)) {
    out.encoding = "utf-8";
    out.borrowed = bytes;
    out.is_borrowed = true;
    return out;
  }
  std::string cs = is_html ? normalise_charset(declared_charset(bytes)) : std::string();
  if (cs.empty()) {
    // Undeclared: mostly-valid UTF-8 with a few broken bytes stays UTF-8; otherwise Windows-1252.
    std::size_t multibyte = 0, invalid = 0;
    for (std::size_t i = 0; i < bytes.size();) {
      if (static_cast<unsigned char>(bytes[i]) < 0x80) {
        ++i;
        continue;
      }
      const std::size_t start = i;
      const char32_t cp = next_code_point(bytes, i);
      (cp == 0xFFFD && i - start == 1) ? ++invalid : ++multibyte;
    }
    cs = multibyte > invalid * 4 ? "utf-8" : "windows-1252";
  }
  if (cs == "utf-8") {
    out.encoding = "utf-8";
    out.replaced = sanitize_utf8(bytes, out.text);
    return out;
  }
  if (iconv_convert(bytes, cs, out)) {
    out.encoding = cs;
    return out;
  }
  out.encoding = "utf-8";
  out.replaced = sanitize_utf8(bytes, out.text);
  return out;
}

} // namespace tweetcheck::detail
