// Comparing what an article shows with the original (see compare.hpp for the model): both sides
// are cut into tokens, links are identified from the original's structure, and the token diff
// decides the reasons.
#include "verify/compare.hpp"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>

#include <utf8proc.h>

#include "core/text_util.hpp"
#include "tweetcheck/entities.hpp"
#include "verify/reasons.hpp"

namespace tweetcheck {

namespace {

// ---------------------------------------------------------------------------------------------
// Characters

/// Scripts written without spaces between words, and CJK punctuation: one token per grapheme.
bool spaceless(char32_t c) {
  return (c >= 0x2E80 && c <= 0x9FFF) ||   // CJK radicals, punctuation, kana, Han, …
         (c >= 0xF900 && c <= 0xFAFF) ||   // CJK compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||   // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFFEF) ||   // halfwidth and fullwidth forms
         (c >= 0x20000 && c <= 0x3FFFF) || // Han extensions
         (c >= 0x0E00 && c <= 0x0EFF) ||   // Thai, Lao
         (c >= 0x1000 && c <= 0x109F) ||   // Myanmar
         (c >= 0x1780 && c <= 0x17FF);     // Khmer
}

utf8proc_category_t category(char32_t c) { return utf8proc_category(static_cast<utf8proc_int32_t>(c)); }

/// Emoji and other pictographs stand alone, glued to a word or not.
bool pictograph(char32_t c) {
  return category(c) == UTF8PROC_CATEGORY_SO || (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF);
}

bool invisible(char32_t c) {
  return c == 0xFE0E || c == 0xFE0F || c == 0x200B || c == 0x200E || c == 0x200F || c == 0xFEFF || c == 0x2060 ||
         c == 0x00AD;
}

/// Punctuation that may be stripped from a word's ends without changing what it says. Signs that
/// carry meaning (@ # $ % & * / and a sign before a digit) are kept.
bool strippable(char32_t c) {
  switch (category(c)) {
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PD: return true;
  case UTF8PROC_CATEGORY_PO:
    return c != '@' && c != '#' && c != '%' && c != '&' && c != '*' && c != '/' && c != '\\' && c != 0xFF03 &&
           c != 0xFF20 && c != 0xFF05;
  default: return false;
  }
}

bool is_digit(char32_t c) { return category(c) == UTF8PROC_CATEGORY_ND; }

bool has_digit(std::string_view w) {
  for (std::size_t i = 0; i < w.size();) {
    if (is_digit(detail::next_code_point(w, i))) return true;
  }
  return false;
}

bool is_negation_word(std::string_view w) {
  static const std::set<std::string> k_words{
      "not",      "no",        "never",   "nobody",  "nothing", "none",   "neither", "nor",      "cannot",   "without",
      "don't",    "doesn't",   "didn't",  "isn't",   "aren't",  "wasn't", "weren't", "won't",    "wouldn't", "can't",
      "couldn't", "shouldn't", "hasn't",  "haven't", "hadn't",  "ain't",  "nicht",   "kein",     "keine",    "keinen",
      "keiner",   "nie",       "niemals", "ne",      "pas",     "jamais", "rien",    "personne", "nunca",    "nada",
      "nadie",    "ni",        "non",     "mai",     "nessuno", "niente", "nem",     "não",      "nao",      "niet",
      "geen",     "nooit",     "inte",    "ikke",    "ej",      "aldrig", "nie",     "не",       "нет",      "ні",
      "ніколи",   "никогда",   "değil",   "hiç",     "asla",    "yok"};
  std::string lower = detail::ascii_lower(w);
  return k_words.count(lower) > 0 || (lower.size() > 3 && lower.compare(lower.size() - 3, 3, "n't") == 0);
}

/// Negation in a run of graphemes of a script without spaces (Chinese, Japanese) or in Korean.
bool has_spaceless_negation(std::string_view run) {
  for (std::string_view m : {"不", "没", "沒", "未", "無", "无", "非", "别", "別", "莫", "勿", "ない", "ません",
                             "なかった", "ず", "않", "없", "못", "안 "}) {
    if (run.find(m) != std::string_view::npos) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Links

/// A URL as compared: no scheme, no "www.", host lowercased, no trailing "/" or ellipsis.
std::string normal_url(std::string_view u) {
  std::string s = detail::trim_copy(u);
  for (std::string_view e : {"\xE2\x80\xA6", "..."}) {
    if (s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) s.resize(s.size() - e.size());
  }
  for (std::string_view scheme : {"https://", "http://"}) {
    if (detail::starts_with_icase(s, scheme)) {
      s.erase(0, scheme.size());
      break;
    }
  }
  if (detail::starts_with_icase(s, "www.")) s.erase(0, 4);
  const std::size_t slash = s.find('/');
  for (std::size_t i = 0; i < std::min(slash, s.size()); ++i)
    s[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

/// The code of a t.co / pic.twitter.com / pic.x.com link ("t.co/abc" and "pic.twitter.com/abc"
/// are the same link), or empty.
std::string short_code(std::string_view u) {
  const std::string n = normal_url(u);
  for (std::string_view host : {"t.co/", "pic.twitter.com/", "pic.x.com/", "mobile.twitter.com/i/t.co/"}) {
    if (n.size() > host.size() && n.compare(0, host.size(), host) == 0) {
      std::string code = n.substr(host.size());
      const std::size_t q = code.find_first_of("?#/");
      if (q != std::string::npos) code.resize(q);
      return code;
    }
  }
  return {};
}

bool is_pic_link(std::string_view u) {
  const std::string n = normal_url(u);
  return n.rfind("pic.twitter.com/", 0) == 0 || n.rfind("pic.x.com/", 0) == 0;
}

bool is_continuation_url(std::string_view u) {
  const std::string n = normal_url(u);
  for (std::string_view p : {"twitter.com/i/web/status/", "x.com/i/web/status/", "mobile.twitter.com/i/web/status/"}) {
    if (n.rfind(p, 0) == 0) return true;
  }
  return false;
}

/// Finds which of the original's links a link shown as `shown` (with the anchor `href`) is.
std::optional<std::size_t> find_link(const std::vector<PostLink>& links, std::string_view shown,
                                     std::string_view href) {
  for (std::string_view u : {shown, href}) {
    const std::string code = short_code(u);
    if (code.empty()) continue;
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (short_code(links[i].url) == code || short_code(links[i].display_url) == code) return i;
    }
  }
  const std::string s = normal_url(shown), h = normal_url(href);
  const bool cut = shown.size() >= 3 &&
                   (shown.substr(shown.size() - 3) == "\xE2\x80\xA6" || shown.substr(shown.size() - 3) == "...");
  for (std::size_t i = 0; i < links.size(); ++i) {
    const std::string d = normal_url(links[i].display_url), e = normal_url(links[i].expanded_url);
    if (!s.empty() && (s == d || s == e)) return i;
    if (!h.empty() && !e.empty() && h == e) return i;
    // A display URL cut with an ellipsis, by the article or by the platform.
    if (cut && !s.empty() && !e.empty() && e.rfind(s, 0) == 0) return i;
    if (!d.empty() && !s.empty() && links[i].display_url.find("\xE2\x80\xA6") != std::string::npos &&
        s.rfind(d, 0) == 0 && (e.empty() || e.rfind(s, 0) == 0)) {
      return i;
    }
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Tokens

struct Token {
  std::string raw;   ///< as its side shows it
  std::string key;   ///< normalised
  std::string loose; ///< normalised, punctuation around it stripped; empty for punctuation alone
  bool joined = false;
  bool link = false;
  bool known_link = false; ///< identified as one of the original's links
  bool media = false;
  bool continuation = false;
  bool prefix = false; ///< part of a reply's leading mentions the post does not display
};

struct Anchor {
  std::string shown;
  std::string href;
};

std::string strip_punctuation(const std::string& key) {
  std::u32string u = detail::to_u32(key);
  std::size_t b = 0, e = u.size();
  while (b < e && strippable(u[b]) && !((u[b] == '-' || u[b] == '+') && b + 1 < e && is_digit(u[b + 1]))) ++b;
  while (e > b && strippable(u[e - 1])) --e;
  return detail::to_utf8(u.substr(b, e - b));
}

void finish_token(Token& t) {
  t.key = normalise_for_compare(t.raw);
  if (!t.link) t.loose = strip_punctuation(t.key);
}

/// Words of a stretch of text without links.
void word_tokens(std::string_view s, bool joined_at_start, std::vector<Token>& out) {
  Token cur;
  bool after_space = !joined_at_start;
  auto flush = [&]() {
    if (cur.raw.empty()) return;
    finish_token(cur);
    if (!cur.key.empty()) out.push_back(std::move(cur));
    cur = Token{};
  };
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    const char32_t c = detail::next_code_point(s, i);
    if (detail::is_space(c)) {
      flush();
      after_space = true;
      continue;
    }
    if (spaceless(c) || pictograph(c)) {
      const bool glued = !cur.raw.empty() || !after_space;
      flush();
      Token g;
      g.joined = glued;
      g.raw.assign(s.substr(start, i - start));
      // The rest of the grapheme cluster (combining marks, ZWJ sequences, variation selectors).
      utf8proc_int32_t state = 0;
      char32_t prev = c;
      while (i < s.size()) {
        std::size_t j = i;
        const char32_t n = detail::next_code_point(s, j);
        if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(n),
                                             &state))
          break;
        g.raw.append(s.substr(i, j - i));
        prev = n;
        i = j;
      }
      finish_token(g);
      if (!g.key.empty()) out.push_back(std::move(g));
      after_space = false;
      continue;
    }
    if (cur.raw.empty()) cur.joined = !after_space;
    cur.raw.append(s.substr(start, i - start));
    after_space = false;
  }
  flush();
}

/// Whether white space (or the start) stands right before byte `pos`.
bool space_before(std::string_view s, std::size_t pos) {
  if (pos == 0) return true;
  std::size_t b = pos - 1;
  while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
  return detail::is_space(detail::next_code_point(s, b));
}

struct Span {
  std::size_t begin, end;
  std::string href;
};

/// Cuts a text into tokens: links (the anchors shown, then what twitter-text calls a URL) as one
/// token each, a following ellipsis included; the rest as words.
std::vector<Token> tokens_of(std::string_view text, const std::vector<Anchor>& anchors) {
  std::vector<Span> spans;
  auto overlaps = [&](std::size_t b, std::size_t e) {
    return std::any_of(spans.begin(), spans.end(), [&](const Span& x) { return b < x.end && x.begin < e; });
  };
  // A post has a few links; a hostile page may give thousands: the search stays bounded.
  constexpr std::size_t k_max_anchors = 256;
  std::vector<Anchor> sorted(anchors.begin(),
                             anchors.begin() + static_cast<long>(std::min(anchors.size(), k_max_anchors)));
  std::sort(sorted.begin(), sorted.end(),
            [](const Anchor& a, const Anchor& b) { return a.shown.size() > b.shown.size(); });
  for (const Anchor& a : sorted) {
    if (a.shown.size() < 4) continue;
    for (std::size_t p = text.find(a.shown); p != std::string_view::npos && spans.size() < 1024;
         p = text.find(a.shown, p + 1)) {
      const std::size_t e = p + a.shown.size();
      // A whole link only: https://t.co/abc is not inside https://t.co/abcd.
      if (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '/')) continue;
      if (!overlaps(p, e)) spans.push_back({p, e, a.href});
    }
  }
  // Code point offsets to bytes in one walk (entities come in text order).
  std::size_t cp = 0, byte = 0;
  auto to_byte = [&](std::size_t target) {
    while (cp < target && byte < text.size()) {
      detail::next_code_point(text, byte);
      ++cp;
    }
    return byte;
  };
  const std::size_t first_link_span = spans.size();
  for (const Entity& u : extract_urls(text)) {
    const std::size_t b = to_byte(u.start), e = to_byte(u.end);
    bool taken = false;
    for (std::size_t k = 0; k < first_link_span && !taken; ++k) taken = b < spans[k].end && spans[k].begin < e;
    if (!taken) spans.push_back({b, e, u.value});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::vector<Token> out;
  std::size_t at = 0;
  for (Span& sp : spans) {
    for (std::string_view e : {"\xE2\x80\xA6", "..."}) {
      if (text.substr(sp.end, e.size()) == e) {
        sp.end += e.size();
        break;
      }
    }
    word_tokens(text.substr(at, sp.begin - at), !space_before(text, at), out);
    Token t;
    t.link = true;
    t.raw.assign(text.substr(sp.begin, sp.end - sp.begin));
    t.loose = sp.href; // the anchor's target, replaced by the link's identity below
    t.joined = !space_before(text, sp.begin);
    out.push_back(std::move(t));
    at = sp.end;
  }
  word_tokens(text.substr(at), !space_before(text, at), out);
  return out;
}

/// Gives each link token its identity (`key` = `loose`): one of the original's links, else its
/// short-link code, else its normalised URL.
void identify_links(std::vector<Token>& tokens, const OriginalPost* original, bool original_side) {
  for (Token& t : tokens) {
    if (!t.link) continue;
    const std::string href = t.loose;
    std::optional<std::size_t> idx;
    if (original) idx = find_link(original->links, t.raw, href);
    if (idx) {
      const PostLink& l = original->links[*idx];
      t.key = "\x01link" + std::to_string(*idx);
      t.known_link = true;
      t.media = l.kind == PostLink::Kind::media;
      t.continuation = l.kind == PostLink::Kind::continuation;
      if (original_side && !l.display_url.empty()) t.raw = l.display_url;
    } else if (const std::string code = short_code(t.raw).empty() ? short_code(href) : short_code(t.raw);
               !code.empty()) {
      t.key = "\x02" + code;
      t.media = false;
    } else {
      t.key = "\x03" + normal_url(t.raw);
      t.continuation = is_continuation_url(t.raw) || is_continuation_url(href);
    }
    t.loose = t.key;
  }
}

std::vector<Anchor> anchors_of(const OriginalPost& o) {
  std::vector<Anchor> out;
  for (const PostLink& l : o.links) {
    if (!l.url.empty()) out.push_back({l.url, l.url});
    if (!l.display_url.empty()) out.push_back({l.display_url, l.url});
  }
  return out;
}

std::vector<Anchor> anchors_of(const std::vector<Link>& links) {
  std::vector<Anchor> out;
  for (const Link& l : links) {
    // Only anchors that show a URL are links; @mentions, #hashtags and words are words.
    if (l.text.empty() || l.text[0] == '@' || l.text[0] == '#' || l.text[0] == '$') continue;
    const auto urls = extract_urls(l.text);
    if (urls.empty() || urls.front().start != 0) continue;
    out.push_back({l.text, l.url});
  }
  return out;
}

bool is_ellipsis(const Token& t) { return t.key == "..." || t.key == ".."; }

/// The original's tokens as the post displays them.
std::vector<Token> original_tokens(const OriginalPost& o) {
  std::vector<Token> t = tokens_of(o.text, anchors_of(o));
  identify_links(t, &o, true);
  // Leading mentions of a reply, outside the displayed range.
  if (!o.reply_prefix.empty() && o.text.rfind(o.reply_prefix, 0) == 0) {
    const std::vector<Token> prefix = tokens_of(o.reply_prefix, {});
    for (std::size_t k = 0; k < prefix.size() && k < t.size(); ++k) t[k].prefix = true;
  }
  std::vector<Token> out;
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (t[k].continuation) {
      // The long post's "show more" link, and the ellipsis before it.
      if (!out.empty() && is_ellipsis(out.back())) out.pop_back();
      continue;
    }
    out.push_back(std::move(t[k]));
  }
  return out;
}

/// The media links go: embeds show them, renderers and copies often drop them.
void drop_media(std::vector<Token>& a, std::vector<Token>& o) {
  auto media = [](const Token& t) { return t.media; };
  a.erase(std::remove_if(a.begin(), a.end(), media), a.end());
  o.erase(std::remove_if(o.begin(), o.end(), media), o.end());
  auto has_key = [](const std::vector<Token>& v, const std::string& k) {
    return std::any_of(v.begin(), v.end(), [&](const Token& t) { return t.key == k; });
  };
  // A trailing link of which the original says nothing may be its media link: when the other side
  // does not show it, it goes too (an article's pic.twitter.com link, an original's bare t.co).
  if (!a.empty() && a.back().link && !a.back().known_link && is_pic_link(a.back().raw) && !has_key(o, a.back().key))
    a.pop_back();
  if (!o.empty() && o.back().link && !o.back().known_link && !has_key(a, o.back().key)) {
    if (is_pic_link(o.back().raw) || o.back().key.rfind("\x02", 0) == 0) o.pop_back();
  }
}

/// Words that count for the comparison (punctuation alone does not).
std::vector<const Token*> words(const std::vector<Token>& v) {
  std::vector<const Token*> out;
  for (const Token& t : v) {
    if (!t.loose.empty()) out.push_back(&t);
  }
  return out;
}

bool same_word(const Token& a, const Token& b) {
  if (!a.loose.empty() && !b.loose.empty()) return a.loose == b.loose;
  if (a.loose.empty() && b.loose.empty()) return a.key == b.key;
  return false;
}

/// `a` is a prefix of `b`, the last word of `a` possibly cut short.
bool is_prefix(const std::vector<const Token*>& a, const std::vector<const Token*>& b) {
  if (a.empty() || a.size() > b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (a[k]->loose == b[k]->loose) continue;
    if (k + 1 == a.size() && !a[k]->link && b[k]->loose.rfind(a[k]->loose, 0) == 0) continue;
    return false;
  }
  return true;
}

/// `a` stands contiguously in `b`, its first word possibly the end of one and its last the start of one.
bool is_excerpt(const std::vector<const Token*>& a, const std::vector<const Token*>& b) {
  if (a.empty() || a.size() > b.size()) return false;
  for (std::size_t s = 0; s + a.size() <= b.size(); ++s) {
    bool ok = true;
    for (std::size_t k = 0; k < a.size() && ok; ++k) {
      const std::string& x = a[k]->loose;
      const std::string& y = b[s + k]->loose;
      if (x == y) continue;
      const bool first = k == 0, last = k + 1 == a.size();
      ok = (first && y.size() > x.size() && y.compare(y.size() - x.size(), x.size(), x) == 0) ||
           (last && y.rfind(x, 0) == 0);
    }
    if (ok) return true;
  }
  return false;
}

/// LCS diff of tokens, common ends trimmed first; a middle too large for the table is shown as
/// removed then added (never cut off).
std::vector<DiffWord> token_diff(const std::vector<Token>& a, const std::vector<Token>& o) {
  std::vector<DiffWord> out;
  std::size_t pre = 0;
  while (pre < a.size() && pre < o.size() && same_word(a[pre], o[pre])) ++pre;
  std::size_t suf = 0;
  while (suf < a.size() - pre && suf < o.size() - pre && same_word(a[a.size() - 1 - suf], o[o.size() - 1 - suf])) ++suf;
  auto same = [&](const Token& x, const Token& y) {
    DiffWord d{DiffWord::Op::same, x.raw, y.raw != x.raw ? y.raw : std::string(), x.joined};
    out.push_back(std::move(d));
  };
  for (std::size_t k = 0; k < pre; ++k) same(a[k], o[k]);
  const std::size_t n = a.size() - pre - suf, m = o.size() - pre - suf;
  constexpr std::size_t k_max = 4000;
  if (n > k_max || m > k_max) {
    for (std::size_t k = 0; k < m; ++k) out.push_back({DiffWord::Op::removed, o[pre + k].raw, {}, o[pre + k].joined});
    for (std::size_t k = 0; k < n; ++k) out.push_back({DiffWord::Op::added, a[pre + k].raw, {}, a[pre + k].joined});
  } else {
    std::vector<std::vector<std::uint16_t>> lcs(n + 1, std::vector<std::uint16_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        lcs[i][j] = same_word(a[pre + i], o[pre + j]) ? static_cast<std::uint16_t>(lcs[i + 1][j + 1] + 1)
                                                      : std::max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && same_word(a[pre + i], o[pre + j])) {
        same(a[pre + i], o[pre + j]);
        ++i;
        ++j;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.push_back({DiffWord::Op::removed, o[pre + j].raw, {}, o[pre + j].joined});
        ++j;
      } else {
        out.push_back({DiffWord::Op::added, a[pre + i].raw, {}, a[pre + i].joined});
        ++i;
      }
    }
  }
  for (std::size_t k = 0; k < suf; ++k) same(a[a.size() - suf + k], o[o.size() - suf + k]);
  return out;
}

/// The reasons a diff gives.
std::vector<std::string> reasons_of(const std::vector<DiffWord>& diff) {
  std::vector<std::string> added, removed;
  bool negation = false;
  std::string run;
  DiffWord::Op run_op = DiffWord::Op::same;
  auto end_run = [&]() {
    if (has_spaceless_negation(run)) negation = true;
    run.clear();
  };
  for (const DiffWord& d : diff) {
    if (d.op != run_op) {
      end_run();
      run_op = d.op;
    }
    if (d.op == DiffWord::Op::same) continue;
    const std::string w = strip_punctuation(normalise_for_compare(d.word));
    if (w.empty()) continue;
    run += d.word;
    if (is_negation_word(w)) negation = true;
    (d.op == DiffWord::Op::added ? added : removed).push_back(w);
  }
  end_run();
  std::vector<std::string> reasons;
  if (added.empty() && removed.empty()) return reasons;
  if (removed.empty()) return {negation ? code(Reason::negation_changed) : code(Reason::text_added)};
  if (added.empty()) return {negation ? code(Reason::negation_changed) : code(Reason::text_removed)};
  const bool numbers = std::any_of(added.begin(), added.end(), [](const std::string& w) { return has_digit(w); }) &&
                       std::any_of(removed.begin(), removed.end(), [](const std::string& w) { return has_digit(w); });
  if (numbers) reasons.push_back(code(Reason::number_changed));
  if (negation) reasons.push_back(code(Reason::negation_changed));
  auto other = [](const std::string& w) { return !has_digit(w) && !is_negation_word(w) && !has_spaceless_negation(w); };
  if (reasons.empty() || std::any_of(added.begin(), added.end(), other) ||
      std::any_of(removed.begin(), removed.end(), other)) {
    reasons.push_back(code(Reason::text_changed));
  }
  return reasons;
}

TextComparison compare_tokens(std::vector<Token> a, std::vector<Token> o, bool partial, ExcerptPolicy policy) {
  TextComparison c;
  drop_media(a, o);
  // A reply's leading mentions may be shown or not.
  if (!o.empty() && o.front().prefix) {
    const auto aw = words(a);
    if (aw.empty() || aw.front()->loose != o.front().loose) {
      o.erase(o.begin(), std::find_if(o.begin(), o.end(), [](const Token& t) { return !t.prefix; }));
    }
  }
  auto keys = [](const std::vector<Token>& v) {
    std::vector<std::string> k;
    for (const Token& t : v) k.push_back(t.key);
    return k;
  };
  const auto aw = words(a), ow = words(o);
  auto loose = [](const std::vector<const Token*>& v) {
    std::vector<std::string> k;
    for (const Token* t : v) k.push_back(t->loose);
    return k;
  };
  if (keys(a) == keys(o)) {
    c.equal = true;
    return c;
  }
  if (loose(aw) == loose(ow)) {
    c.equal = true;
    c.punctuation_differs = true;
    return c;
  }
  // Only the head of a long post is known: the article may show more of it.
  if (partial && is_prefix(ow, aw)) {
    c.equal = true;
    c.head_only = true;
    return c;
  }
  if (policy == ExcerptPolicy::excerpt_allowed && is_excerpt(aw, ow)) {
    c.equal = true;
    c.excerpt = true;
    return c;
  }
  c.diff = token_diff(a, o);
  if (policy == ExcerptPolicy::excerpt_allowed) {
    // A quote shows a part of the post: the original's words before and after that part are not
    // differences.
    auto removed = [](const DiffWord& d) { return d.op == DiffWord::Op::removed; };
    while (!c.diff.empty() && removed(c.diff.back())) c.diff.pop_back();
    c.diff.erase(c.diff.begin(), std::find_if_not(c.diff.begin(), c.diff.end(), removed));
    c.reasons = reasons_of(c.diff);
    if (c.reasons.empty()) c.reasons.push_back(code(Reason::text_changed));
    return c;
  }
  if (is_prefix(aw, ow)) {
    c.reasons.push_back(code(Reason::truncated));
    return c;
  }
  c.reasons = reasons_of(c.diff);
  if (c.reasons.empty()) c.reasons.push_back(code(Reason::text_changed));
  return c;
}

} // namespace

std::string decode_html_entities(std::string_view s) {
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
    if (ent == "amp")
      cp = '&';
    else if (ent == "lt")
      cp = '<';
    else if (ent == "gt")
      cp = '>';
    else if (ent == "quot")
      cp = '"';
    else if (ent == "apos")
      cp = '\'';
    else if (ent == "nbsp")
      cp = 0xA0;
    else if (ent.size() > 1 && ent[0] == '#') {
      const bool hex = ent[1] == 'x' || ent[1] == 'X';
      const std::string digits(ent.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long v = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (!digits.empty() && end && *end == '\0' && v > 0 && v <= 0x10FFFF) cp = static_cast<char32_t>(v);
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

std::string normalise_for_compare(std::string_view text) {
  const std::string s = detail::nfc(text);
  std::string out;
  out.reserve(s.size());
  bool space = false;
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = detail::next_code_point(s, i);
    if (invisible(c)) continue;
    if (detail::is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x00B4:
    case 0xFF07: out.push_back('\''); break;
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
    case 0x00AB:
    case 0x00BB:
    case 0xFF02: out.push_back('"'); break;
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212: out.push_back('-'); break;
    case 0x2026: out.append("..."); break;
    default: detail::append_utf8(out, c);
    }
  }
  return out;
}

void finish_original(OriginalPost& o) {
  for (PostLink& l : o.links) {
    if (l.kind == PostLink::Kind::url &&
        (is_pic_link(l.display_url) || (l.display_url.empty() && is_pic_link(l.url)))) {
      l.kind = PostLink::Kind::media;
    }
    if (is_continuation_url(l.expanded_url) || is_continuation_url(l.display_url))
      l.kind = PostLink::Kind::continuation;
    if (l.kind == PostLink::Kind::continuation) o.partial_text = true;
  }
  // What the post displays: each link as its display text, the continuation link left out.
  std::string shown;
  std::size_t at = 0;
  std::string text = o.text;
  std::vector<std::pair<std::string, std::string>> replace;
  for (const PostLink& l : o.links) {
    if (l.url.empty()) continue;
    replace.emplace_back(l.url, l.kind == PostLink::Kind::continuation ? std::string()
                                : l.display_url.empty()                ? l.url
                                                                       : l.display_url);
  }
  std::sort(replace.begin(), replace.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  while (at < text.size()) {
    bool hit = false;
    for (const auto& [url, display] : replace) {
      if (text.compare(at, url.size(), url) == 0) {
        const std::size_t e = at + url.size();
        if (e < text.size() && (std::isalnum(static_cast<unsigned char>(text[e])) || text[e] == '/')) continue;
        shown += display;
        at = e;
        hit = true;
        break;
      }
    }
    if (!hit) shown.push_back(text[at++]);
  }
  o.display_text = detail::trim_copy(shown);
}

TextComparison compare_post_text(std::string_view article_text, const std::vector<Link>& article_links,
                                 const OriginalPost& original, ExcerptPolicy policy) {
  std::vector<Token> shown = tokens_of(article_text, anchors_of(article_links));
  identify_links(shown, &original, false);
  // An article that copied a long post's head keeps its "show more" link: not a word either.
  std::vector<Token> a;
  for (Token& t : shown) {
    if (t.continuation) {
      if (!a.empty() && is_ellipsis(a.back())) a.pop_back();
      continue;
    }
    a.push_back(std::move(t));
  }
  return compare_tokens(std::move(a), original_tokens(original), original.partial_text, policy);
}

TextComparison compare_texts(const std::string& article, const std::string& original) {
  OriginalPost o;
  o.text = original;
  return compare_post_text(article, {}, o);
}

std::vector<std::string> comparable_words(const std::string& text) {
  std::vector<Token> t = tokens_of(text, {});
  identify_links(t, nullptr, false);
  std::vector<Token> none;
  drop_media(t, none);
  std::vector<std::string> out;
  for (const Token& k : t) out.push_back(k.link ? normal_url(k.raw) : k.key);
  return out;
}

std::vector<DiffWord> word_diff(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  auto as_tokens = [](const std::vector<std::string>& v) {
    std::vector<Token> out;
    for (const std::string& w : v) {
      Token t;
      t.raw = w;
      finish_token(t);
      out.push_back(std::move(t));
    }
    return out;
  };
  return token_diff(as_tokens(a), as_tokens(b));
}

} // namespace tweetcheck
