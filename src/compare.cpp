// Comparing what an article shows with the original: both texts are normalised the same way,
// then diffed word by word; the diff decides the reasons.
#include <algorithm>
#include <cctype>
#include <set>

#include "compare.hpp"
#include "text_util.hpp"
#include "tweetcheck/entities.hpp"

namespace tweetcheck {

namespace {

/// Decodes the HTML entities sources leave in post text (&amp; &lt; &gt; &quot; &#39; &#NNN; &#xHH;).
std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    const std::string_view ent = s.substr(i + 1, semi - i - 1);
    char32_t cp = 0;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos" || ent == "#39") cp = '\'';
    else if (ent == "nbsp") cp = 0xA0;
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      cp = static_cast<char32_t>(std::strtoul(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10));
    }
    if (cp == 0) {
      out.push_back('&');
      continue;
    }
    detail::append_utf8(out, cp);
    i = semi;
  }
  return out;
}

bool is_media_link(std::string_view w) {
  for (std::string_view p : {"pic.twitter.com/", "pic.x.com/", "https://pic.twitter.com/", "http://pic.twitter.com/",
                             "https://pic.x.com/"}) {
    if (detail::starts_with_icase(w, p)) return true;
  }
  return false;
}

bool has_digit(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_negation(std::string_view w) {
  static const std::set<std::string> k_words{
      "not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "without",
      "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "can't",
      "couldn't", "shouldn't", "hasn't", "haven't", "hadn't", "ain't", "nicht", "kein", "keine", "nie",
      "niemals", "ne", "pas", "jamais", "nunca", "nada", "nadie", "non", "mai", "nem", "não", "nao"};
  std::string lower = detail::ascii_lower(w);
  while (!lower.empty() && std::ispunct(static_cast<unsigned char>(lower.back()))) lower.pop_back();
  while (!lower.empty() && std::ispunct(static_cast<unsigned char>(lower.front()))) lower.erase(lower.begin());
  return k_words.count(lower) > 0 || (lower.size() > 3 && lower.compare(lower.size() - 3, 3, "n't") == 0);
}

} // namespace

std::string normalise_for_compare(std::string_view text) {
  std::string s = detail::nfc(decode_entities(text));
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = detail::next_code_point(s, i);
    switch (c) {
    case 0xFE0E: case 0xFE0F: case 0x200B: case 0x200E: case 0x200F: case 0xFEFF: break; // invisible
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4: out.push_back('\''); break;
    case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB: out.push_back('"'); break;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: out.push_back('-'); break;
    case 0x2026: out.append("..."); break;
    default:
      if (detail::is_space(c)) out.push_back(' ');
      else detail::append_utf8(out, c);
    }
  }
  return out;
}

std::vector<std::string> comparable_words(const std::string& text) {
  std::vector<std::string> words;
  const std::string s = normalise_for_compare(text);
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) words.emplace_back(s.substr(i, j - i));
    i = j;
  }
  // A trailing media link is dropped on both sides (flattened copies often lose it).
  while (!words.empty() && is_media_link(words.back())) words.pop_back();
  return words;
}

std::string original_display_text(const std::string& text,
                                   const std::vector<std::pair<std::string, std::string>>& url_display) {
  std::string out = decode_entities(text);
  for (const auto& [url, display] : url_display) {
    if (url.empty()) continue;
    for (std::size_t p = out.find(url); p != std::string::npos; p = out.find(url, p + display.size())) {
      // Only whole URLs: https://t.co/abc must not match inside https://t.co/abcd.
      const std::size_t e = p + url.size();
      if (e < out.size() && std::isalnum(static_cast<unsigned char>(out[e]))) continue;
      out.replace(p, url.size(), display);
    }
  }
  return out;
}

std::vector<DiffWord> word_diff(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<DiffWord> out;
  const std::size_t n = std::min<std::size_t>(a.size(), 3000), m = std::min<std::size_t>(b.size(), 3000);
  // LCS table (texts are short; capped above so a pathological input stays bounded).
  std::vector<std::vector<std::uint16_t>> lcs(n + 1, std::vector<std::uint16_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? static_cast<std::uint16_t>(lcs[i + 1][j + 1] + 1)
                               : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({DiffWord::Op::same, a[i]});
      ++i;
      ++j;
    } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out.push_back({DiffWord::Op::removed, b[j++]});
    } else {
      out.push_back({DiffWord::Op::added, a[i++]});
    }
  }
  return out;
}

/// A word without the punctuation around it ("tomorrow," and "tomorrow." are one word).
std::string word_key(const std::string& w) {
  std::size_t b = 0, e = w.size();
  auto punct = [](char ch) { return ch == '.' || ch == ',' || ch == ';' || ch == ':' || ch == '!' || ch == '?' ||
                                    ch == '"' || ch == '\'' || ch == '(' || ch == ')' || ch == '[' || ch == ']'; };
  while (b < e && punct(w[b])) ++b;
  while (e > b && punct(w[e - 1])) --e;
  return b == e ? w : w.substr(b, e - b);
}

TextComparison compare_texts(const std::string& article, const std::string& original) {
  TextComparison c;
  const auto a_raw = comparable_words(article);
  const auto o_raw = comparable_words(original);
  if (a_raw == o_raw) {
    c.equal = true;
    return c;
  }
  std::vector<std::string> a, o;
  for (const auto& w : a_raw) a.push_back(word_key(w));
  for (const auto& w : o_raw) o.push_back(word_key(w));
  if (a == o) {
    c.equal = true;
    c.punctuation_differs = true;
    return c;
  }
  c.diff = word_diff(a, o);
  // Show the words as written, not their keys.
  for (std::size_t k = 0, ia = 0, io = 0; k < c.diff.size(); ++k) {
    DiffWord& d = c.diff[k];
    if (d.op == DiffWord::Op::same) {
      d.word = a_raw[ia++];
      ++io;
    } else if (d.op == DiffWord::Op::added) {
      d.word = a_raw[ia++];
    } else {
      d.word = o_raw[io++];
    }
  }
  // Truncated: the article shows a prefix of the original, with or without an ellipsis.
  auto strip_ellipsis = [](std::vector<std::string> w) {
    if (!w.empty()) {
      std::string& last = w.back();
      if (last == "...") w.pop_back();
      else if (last.size() > 3 && last.compare(last.size() - 3, 3, "...") == 0) last.resize(last.size() - 3);
    }
    return w;
  };
  std::vector<std::string> ap;
  for (const auto& w : strip_ellipsis(a_raw)) ap.push_back(word_key(w));
  if (!ap.empty() && ap.size() <= o.size()) {
    bool prefix = true;
    for (std::size_t k = 0; k < ap.size() && prefix; ++k) {
      prefix = ap[k] == o[k] || (k + 1 == ap.size() && o[k].rfind(ap[k], 0) == 0);
    }
    if (prefix) {
      c.reasons.push_back("truncated");
      return c;
    }
  }
  std::vector<std::string> added, removed;
  for (const auto& d : c.diff) {
    if (d.op == DiffWord::Op::added) added.push_back(d.word);
    if (d.op == DiffWord::Op::removed) removed.push_back(d.word);
  }
  const bool numbers = std::any_of(added.begin(), added.end(), [](const std::string& w) { return has_digit(w); }) &&
                       std::any_of(removed.begin(), removed.end(), [](const std::string& w) { return has_digit(w); });
  const bool negation = std::any_of(added.begin(), added.end(), [](const std::string& w) { return is_negation(w); }) ||
                        std::any_of(removed.begin(), removed.end(), [](const std::string& w) { return is_negation(w); });
  if (removed.empty()) {
    c.reasons.push_back(negation ? "negation_changed" : "text_added");
    return c;
  }
  if (numbers) c.reasons.push_back("number_changed");
  if (negation) c.reasons.push_back("negation_changed");
  // Words changed beyond the numbers and negations named above.
  const bool other = std::any_of(added.begin(), added.end(), [](const std::string& w) { return !has_digit(w) && !is_negation(w); }) ||
                     std::any_of(removed.begin(), removed.end(), [](const std::string& w) { return !has_digit(w) && !is_negation(w); });
  if (c.reasons.empty() || other) c.reasons.push_back("text_changed");
  return c;
}

} // namespace tweetcheck
