// Entity extraction (mentions, hashtags, cashtags, URLs) with the twitter-text rules.
// Written from the rules' description; works on code points without backtracking regexes,
// so untrusted text costs linear time.
#include "tweetcheck/entities.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include <utf8proc.h>

#include "core/text_util.hpp"

namespace tweetcheck {

namespace {

using detail::is_space;
using U32 = std::u32string;

// ---- character classes -----------------------------------------------------------------

bool is_invalid_char(char32_t c) { return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF; }

bool is_ascii_alnum(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_ascii_alpha(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool is_latin_accent(char32_t c) {
  return (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0xFF) ||
         (c >= 0x100 && c <= 0x24F) || c == 0x253 || c == 0x254 || c == 0x256 || c == 0x257 || c == 0x259 ||
         c == 0x25B || c == 0x263 || c == 0x268 || c == 0x26F || c == 0x272 || c == 0x289 || c == 0x28B || c == 0x2BB ||
         (c >= 0x300 && c <= 0x36F) || (c >= 0x1E00 && c <= 0x1EFF);
}
bool is_cyrillic(char32_t c) { return c >= 0x400 && c <= 0x4FF; }

// ASCII punctuation as twitter-text counts it (note: no '"' and no '`').
bool is_punct(char32_t c) {
  switch (c) {
  case '!':
  case '\'':
  case '#':
  case '%':
  case '&':
  case '(':
  case ')':
  case '*':
  case '+':
  case ',':
  case '\\':
  case '-':
  case '.':
  case '/':
  case ':':
  case ';':
  case '<':
  case '=':
  case '>':
  case '?':
  case '@':
  case '[':
  case ']':
  case '^':
  case '_':
  case '{':
  case '|':
  case '}':
  case '~':
  case '$': return true;
  default: return false;
  }
}

bool is_at_sign(char32_t c) { return c == '@' || c == 0xFF20; }
bool is_hash_sign(char32_t c) { return c == '#' || c == 0xFF03; }

bool is_domain_char(char32_t c) { return !is_punct(c) && !is_space(c) && !is_invalid_char(c); }

bool is_letter_or_mark(char32_t c) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: return true;
  default: return false;
  }
}

bool is_hashtag_special(char32_t c) {
  switch (c) {
  case '_':
  case 0x200C:
  case 0x200D:
  case 0xA67E:
  case 0x05BE:
  case 0x05F3:
  case 0x05F4:
  case 0xFF5E:
  case 0x301C:
  case 0x309B:
  case 0x309C:
  case 0x30A0:
  case 0x30FB:
  case 0x3003:
  case 0x0F0B:
  case 0x0F0C:
  case 0xB7: return true;
  default: return false;
  }
}

bool is_hashtag_alpha(char32_t c) { return is_letter_or_mark(c); }
bool is_hashtag_alnum(char32_t c) {
  return is_letter_or_mark(c) || utf8proc_category(static_cast<utf8proc_int32_t>(c)) == UTF8PROC_CATEGORY_ND ||
         is_hashtag_special(c);
}

// validGeneralUrlPathChars
bool is_path_char(char32_t c) {
  if (is_ascii_alnum(c) || is_cyrillic(c) || is_latin_accent(c)) return true;
  switch (c) {
  case '!':
  case '*':
  case '\'':
  case ';':
  case ':':
  case '=':
  case '+':
  case ',':
  case '.':
  case '$':
  case '/':
  case '%':
  case '#':
  case '[':
  case ']':
  case '-':
  case 0x2013:
  case '_':
  case '~':
  case '@':
  case '|':
  case '&': return true;
  default: return false;
  }
}
// validUrlPathEndingChars (without the parenthesised alternative)
bool is_path_ending(char32_t c) {
  return is_ascii_alnum(c) || is_cyrillic(c) || is_latin_accent(c) || c == '+' || c == '-' || c == '=' || c == '_' ||
         c == '#' || c == '/';
}
bool is_query_char(char32_t c) {
  if (is_ascii_alnum(c)) return true;
  switch (c) {
  case '!':
  case '?':
  case '*':
  case '\'':
  case '@':
  case '(':
  case ')':
  case ';':
  case ':':
  case '&':
  case '=':
  case '+':
  case '$':
  case '/':
  case '%':
  case '#':
  case '[':
  case ']':
  case '-':
  case '_':
  case '.':
  case ',':
  case '~':
  case '|': return true;
  default: return false;
  }
}
bool is_query_ending(char32_t c) {
  return is_ascii_alnum(c) || c == '-' || c == '_' || c == '&' || c == '=' || c == '#' || c == '/';
}

// ---- top-level domains ---------------------------------------------------------------

const char* const k_tlds[] = {
#include "tlds.inc"
};

struct TldSets {
  std::unordered_set<std::u32string> generic; // everything but two-letter ASCII
  std::unordered_set<std::u32string> country; // two-letter ASCII
  std::size_t max_len = 0;
  TldSets() {
    for (const char* t : k_tlds) {
      U32 u = detail::to_u32(t);
      max_len = std::max(max_len, u.size());
      const bool ascii = std::all_of(u.begin(), u.end(), [](char32_t c) { return c < 0x80; });
      (ascii && u.size() == 2 ? country : generic).insert(u);
    }
  }
};

const TldSets& tlds() {
  static const TldSets sets;
  return sets;
}

char32_t lower(char32_t c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

bool tld_boundary(const U32& s, std::size_t end, std::size_t limit) {
  return end >= limit || (!is_ascii_alnum(s[end]) && s[end] != '@' && s[end] != '+' && s[end] != '-');
}

enum class TldKind { none, generic, country, punycode };

/// Matches a TLD at `t` (gTLD, then ccTLD, then punycode); returns its end or npos.
std::size_t match_tld(const U32& s, std::size_t t, std::size_t limit, TldKind* kind = nullptr) {
  if (t >= limit) return U32::npos;
  const TldSets& sets = tlds();
  // ASCII TLDs must be followed by a non-alphanumeric, so they are exactly the alphanumeric run.
  std::size_t e = t;
  while (e < limit && is_ascii_alnum(s[e])) ++e;
  if (e > t) {
    U32 run;
    for (std::size_t i = t; i < e; ++i) run.push_back(lower(s[i]));
    if (tld_boundary(s, e, limit)) {
      if (sets.generic.count(run)) {
        if (kind) *kind = TldKind::generic;
        return e;
      }
      if (sets.country.count(run)) {
        if (kind) *kind = TldKind::country;
        return e;
      }
    }
    // Punycode: xn--[-0-9a-z]+
    if (e - t >= 4 || (limit - t >= 5)) {
      if (limit - t >= 5 && lower(s[t]) == 'x' && lower(s[t + 1]) == 'n' && s[t + 2] == '-' && s[t + 3] == '-') {
        std::size_t p = t + 4;
        while (p < limit && (is_ascii_alnum(s[p]) || s[p] == '-')) ++p;
        if (p > t + 4) {
          if (kind) *kind = TldKind::punycode;
          return p;
        }
      }
    }
    return U32::npos;
  }
  // Internationalised TLDs: the longest listed prefix followed by a boundary.
  for (std::size_t len = std::min(sets.max_len, limit - t); len >= 1; --len) {
    U32 cand(s.begin() + static_cast<std::ptrdiff_t>(t), s.begin() + static_cast<std::ptrdiff_t>(t + len));
    if (sets.generic.count(cand) && tld_boundary(s, t + len, limit)) {
      if (kind) *kind = TldKind::generic;
      return t + len;
    }
  }
  return U32::npos;
}

// ---- URLs ------------------------------------------------------------------------------

/// A domain label from `i`: returns end (position of the following '.') or npos.
/// `allow_underscore`: subdomains may contain '_', the domain name may not.
std::size_t label_end(const U32& s, std::size_t i, std::size_t limit, bool* has_underscore) {
  if (i >= limit || !is_domain_char(s[i])) return U32::npos;
  std::size_t j = i;
  *has_underscore = false;
  while (j < limit && (is_domain_char(s[j]) || s[j] == '-' || s[j] == '_')) {
    if (s[j] == '_') *has_underscore = true;
    ++j;
  }
  if (j >= limit || s[j] != '.' || !is_domain_char(s[j - 1])) return U32::npos;
  return j;
}

/// validDomain at `q`: subdomain* domainName TLD, with as many labels as possible.
std::size_t match_domain(const U32& s, std::size_t q, std::size_t limit) {
  std::vector<std::size_t> after_dot; // positions right after each label's dot
  std::vector<bool> underscore;
  std::size_t i = q;
  for (;;) {
    bool us = false;
    const std::size_t e = label_end(s, i, limit, &us);
    if (e == U32::npos) break;
    underscore.push_back(us);
    after_dot.push_back(e + 1);
    i = e + 1;
  }
  for (std::size_t n = after_dot.size(); n >= 1; --n) {
    if (underscore[n - 1]) continue; // the domain name itself allows only '-'
    const std::size_t t = match_tld(s, after_dot[n - 1], limit);
    if (t != U32::npos) return t;
  }
  return U32::npos;
}

/// validUrlBalancedParens at `i` (s[i] == '('): returns the end after ')' or npos.
std::size_t match_parens(const U32& s, std::size_t i, std::size_t limit) {
  std::size_t j = i + 1;
  std::size_t k = j;
  while (k < limit && is_path_char(s[k])) ++k;
  if (k < limit && s[k] == ')' && k > j) return k + 1;
  if (k < limit && s[k] == '(') {
    std::size_t m = k + 1;
    while (m < limit && is_path_char(s[m])) ++m;
    if (m > k + 1 && m < limit && s[m] == ')') {
      ++m;
      while (m < limit && is_path_char(s[m])) ++m;
      if (m < limit && s[m] == ')') return m + 1;
    }
  }
  return U32::npos;
}

/// The path after '/' at `i`: the longest run of path chars and balanced parens that ends with
/// a valid ending char or a parenthesised group.
std::size_t match_path(const U32& s, std::size_t i, std::size_t limit) {
  std::size_t best = i;
  std::size_t j = i;
  while (j < limit) {
    if (s[j] == '(') {
      const std::size_t e = match_parens(s, j, limit);
      if (e == U32::npos) break;
      j = e;
      best = j;
      continue;
    }
    if (!is_path_char(s[j])) break;
    if (is_path_ending(s[j])) best = j + 1;
    ++j;
  }
  return best;
}

struct RawUrl {
  std::size_t start, end;
  std::size_t domain_start, domain_end;
  bool protocol;
  bool path;
  char32_t before; // the preceding char (0 at the start)
};

/// Tries the URL pattern at `q`. Fills `out` and returns true on a match.
bool match_url_at(const U32& s, std::size_t q, RawUrl& out) {
  const std::size_t n = s.size();
  auto try_from = [&](std::size_t d, bool protocol) {
    const std::size_t de = match_domain(s, d, n);
    if (de == U32::npos) return false;
    std::size_t e = de;
    if (e + 1 < n && s[e] == ':' && s[e + 1] >= '0' && s[e + 1] <= '9') {
      ++e;
      while (e < n && s[e] >= '0' && s[e] <= '9') ++e;
    }
    bool path = false;
    if (e < n && s[e] == '/') {
      e = match_path(s, e + 1, n);
      path = true;
    }
    if (e < n && s[e] == '?') {
      std::size_t k = e + 1, last = U32::npos;
      while (k < n && is_query_char(s[k])) {
        if (is_query_ending(s[k])) last = k + 1;
        ++k;
      }
      if (last != U32::npos) e = last;
    }
    out = RawUrl{q, e, d, de, protocol, path, 0};
    return true;
  };
  // Optional protocol, tried first (greedy).
  auto lower_at = [&](std::size_t i) { return i < n ? lower(s[i]) : 0; };
  if (lower_at(q) == 'h' && lower_at(q + 1) == 't' && lower_at(q + 2) == 't' && lower_at(q + 3) == 'p') {
    std::size_t p = q + 4;
    if (lower_at(p) == 's') ++p;
    if (p + 2 < n + 0 && s[p] == ':' && s[p + 1] == '/' && s[p + 2] == '/') {
      if (try_from(p + 3, true)) return true;
    }
  }
  return try_from(q, false);
}

bool is_url_preceding(char32_t c) {
  return !(is_ascii_alnum(c) || c == '@' || c == 0xFF20 || c == '$' || c == '#' || c == 0xFF03 || is_invalid_char(c));
}

/// validAsciiDomain matches inside the domain string [a, b).
std::vector<std::pair<std::size_t, std::size_t>> ascii_domains(const U32& s, std::size_t a, std::size_t b) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  auto label_char = [](char32_t c) { return is_ascii_alnum(c) || c == '-' || is_latin_accent(c); };
  std::size_t i = a;
  while (i < b) {
    // Find the longest (labels '.')+ TLD starting at i.
    std::vector<std::size_t> after_dot;
    std::size_t j = i;
    for (;;) {
      std::size_t k = j;
      while (k < b && label_char(s[k])) ++k;
      if (k == j || k >= b || s[k] != '.') break;
      after_dot.push_back(k + 1);
      j = k + 1;
    }
    std::size_t found = U32::npos;
    for (std::size_t m = after_dot.size(); m >= 1 && found == U32::npos; --m) {
      found = match_tld(s, after_dot[m - 1], b);
    }
    if (found != U32::npos) {
      out.emplace_back(i, found);
      i = found;
    } else {
      ++i;
    }
  }
  return out;
}

/// RFC 3492 punycode length of one label (code points [a, b)), or 0 on overflow.
std::size_t punycode_label_length(const U32& s, std::size_t a, std::size_t b) {
  constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
  auto adapt = [&](std::uint32_t delta, std::uint32_t points, bool first) {
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
      delta /= base - tmin;
      k += base;
    }
    return k + (base - tmin + 1) * delta / (delta + skew);
  };
  std::size_t out = 0, basic = 0;
  for (std::size_t i = a; i < b; ++i) {
    if (s[i] < 0x80) ++basic;
  }
  out = basic;
  if (basic > 0) ++out; // delimiter
  std::uint32_t n = 0x80, delta = 0, bias = 72;
  std::size_t h = basic;
  const std::size_t total = b - a;
  while (h < total) {
    std::uint32_t m = 0x10FFFF;
    for (std::size_t i = a; i < b; ++i) {
      if (s[i] >= n && s[i] < m) m = s[i];
    }
    const std::uint64_t next = delta + static_cast<std::uint64_t>(m - n) * (h + 1);
    if (next > 0xFFFFFFFFu) return 0;
    delta = static_cast<std::uint32_t>(next);
    n = m;
    for (std::size_t i = a; i < b; ++i) {
      if (s[i] < n) ++delta;
      if (s[i] == n) {
        std::uint32_t q = delta;
        for (std::uint32_t k = base;; k += base) {
          const std::uint32_t t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias);
          if (q < t) break;
          ++out;
          q = (q - t) / (base - t);
        }
        ++out;
        bias = adapt(delta, static_cast<std::uint32_t>(h + 1), h == basic);
        delta = 0;
        ++h;
      }
    }
    ++delta;
    ++n;
  }
  return out + 4; // "xn--"
}

/// Length of the host [a, b) once converted to ASCII, or 0 when it cannot be.
std::size_t punycoded_length(const U32& s, std::size_t a, std::size_t b) {
  std::size_t total = 0;
  std::size_t start = a;
  for (std::size_t i = a; i <= b; ++i) {
    if (i < b && s[i] != '.') continue;
    bool ascii = true;
    for (std::size_t k = start; k < i; ++k) ascii = ascii && s[k] < 0x80;
    std::size_t len = i - start;
    if (!ascii) {
      if (len >= 4 && lower(s[start]) == 'x' && lower(s[start + 1]) == 'n' && s[start + 2] == '-' &&
          s[start + 3] == '-') {
        return 0;
      }
      len = punycode_label_length(s, start, i);
      if (len == 0 || len > 63) return 0;
    }
    total += len + (i < b ? 1 : 0);
    start = i + 1;
  }
  return total;
}

constexpr std::size_t k_max_url_length = 4096;
constexpr std::size_t k_max_tco_slug = 40;

// ---- results ---------------------------------------------------------------------------

struct Text {
  U32 cps;
  std::vector<std::size_t> utf16; // utf16[i] = UTF-16 offset of code point i (size n+1)
  explicit Text(std::string_view s) : cps(detail::to_u32(s)) {
    utf16.reserve(cps.size() + 1);
    std::size_t o = 0;
    for (char32_t c : cps) {
      utf16.push_back(o);
      o += detail::utf16_len(c);
    }
    utf16.push_back(o);
  }
  Entity make(Entity::Kind kind, std::size_t a, std::size_t b, std::size_t va, std::size_t vb) const {
    Entity e;
    e.kind = kind;
    e.value = detail::to_utf8(U32_view(va, vb));
    e.start = a;
    e.end = b;
    e.start16 = utf16[a];
    e.end16 = utf16[b];
    return e;
  }
  std::u32string_view U32_view(std::size_t a, std::size_t b) const { return std::u32string_view(cps).substr(a, b - a); }
};

std::vector<Entity> urls_of(const Text& t) {
  const U32& s = t.cps;
  std::vector<Entity> out;
  if (s.find(U'.') == U32::npos) return out;
  std::size_t p = 0;
  const std::size_t n = s.size();
  while (p < n) {
    RawUrl u{};
    bool matched = false;
    if (is_url_preceding(s[p]) && match_url_at(s, p + 1, u)) {
      u.before = s[p];
      matched = true;
    } else if (p == 0 && match_url_at(s, 0, u)) {
      u.before = 0;
      matched = true;
    }
    if (!matched) {
      ++p;
      continue;
    }
    p = std::max(u.end, p + 1);
    // The host must convert to ASCII (IDNA: labels of at most 63 characters once punycoded,
    // no "xn--" label with non-ASCII in it), and the whole URL must stay within 4096 characters
    // counting the punycoded host and the protocol a protocol-less URL would get.
    const std::size_t ascii_host = punycoded_length(s, u.domain_start, u.domain_end);
    if (ascii_host == 0) continue;
    if ((u.protocol ? 0 : 8) + (u.end - u.start) - (u.domain_end - u.domain_start) + ascii_host > k_max_url_length) {
      continue;
    }
    if (!u.protocol) {
      if (u.before == '-' || u.before == '_' || u.before == '.' || u.before == '/') continue;
      const auto domains = ascii_domains(s, u.domain_start, u.domain_end);
      if (domains.empty()) continue;
      for (std::size_t k = 0; k < domains.size(); ++k) {
        const auto [a, b] = domains[k];
        // Short ccTLD domains ("it.so") count too: the suite's current rules extract them.
        if (k + 1 == domains.size() && u.path) {
          out.push_back(t.make(Entity::Kind::url, a, u.end, a, u.end));
        } else {
          out.push_back(t.make(Entity::Kind::url, a, b, a, b));
        }
      }
      continue;
    }
    // t.co: no path beyond the slug (an optional query string is kept); long slugs are not t.co.
    std::size_t end = u.end;
    const std::size_t d = u.domain_start;
    if (u.domain_end - d == 4 && lower(s[d]) == 't' && s[d + 1] == '.' && lower(s[d + 2]) == 'c' &&
        lower(s[d + 3]) == 'o' && u.domain_end < n && s[u.domain_end] == '/') {
      std::size_t k = u.domain_end + 1;
      while (k < u.end && is_ascii_alnum(s[k])) ++k;
      if (k > u.domain_end + 1) {
        if (k - (u.domain_end + 1) > k_max_tco_slug) continue;
        end = k;
        if (k < n && s[k] == '?') {
          std::size_t m = k + 1, last = U32::npos;
          while (m < n && is_query_char(s[m])) {
            if (is_query_ending(s[m])) last = m + 1;
            ++m;
          }
          if (last != U32::npos) end = last;
        }
        p = std::max(p, end);
      }
    }
    out.push_back(t.make(Entity::Kind::url, u.start, end, u.start, end));
  }
  return out;
}

bool mention_preceding_ok(const U32& s, std::size_t at, std::size_t floor) {
  if (at == 0) return true;
  if (at - 1 >= floor) {
    const char32_t c = s[at - 1];
    const bool bad = is_ascii_alnum(c) || c == '_' || c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
                     c == '*' || c == '@' || c == 0xFF20;
    if (!bad) return true;
  }
  // (^|[^a-zA-Z0-9_+~.-])(rt|RT|rT|Rt):?
  std::size_t e = at;
  if (e > 0 && s[e - 1] == ':') --e;
  if (e >= 2 && lower(s[e - 2]) == 'r' && lower(s[e - 1]) == 't') {
    const std::size_t r = e - 2;
    if (r == 0) return r >= floor;
    const char32_t c = s[r - 1];
    const bool bad = is_ascii_alnum(c) || c == '_' || c == '+' || c == '~' || c == '.' || c == '-';
    return !bad && r - 1 >= floor;
  }
  return false;
}

bool end_mention_reject(const U32& s, std::size_t e) {
  if (e >= s.size()) return false;
  if (is_at_sign(s[e]) || is_latin_accent(s[e])) return true;
  return e + 2 < s.size() + 0 && s[e] == ':' && s[e + 1] == '/' && s[e + 2] == '/';
}

std::vector<Entity> mentions_of(const Text& t) {
  const U32& s = t.cps;
  std::vector<Entity> out;
  std::size_t floor = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_at_sign(s[i]) || i < floor || !mention_preceding_ok(s, i, floor)) continue;
    std::size_t j = i + 1;
    while (j < s.size() && j - (i + 1) < 20 && (is_ascii_alnum(s[j]) || s[j] == '_')) ++j;
    if (j == i + 1) continue;
    const std::size_t name_end = j;
    std::size_t e = j;
    if (e + 1 < s.size() && s[e] == '/' && is_ascii_alpha(s[e + 1])) {
      std::size_t k = e + 2;
      while (k < s.size() && k - (e + 1) < 25 && (is_ascii_alnum(s[k]) || s[k] == '_' || s[k] == '-')) ++k;
      e = k;
    }
    floor = e;
    if (end_mention_reject(s, e)) {
      i = e - 1;
      continue;
    }
    Entity m = t.make(Entity::Kind::mention, i, e, i + 1, name_end);
    if (e > name_end) m.list_slug = detail::to_utf8(t.U32_view(name_end, e));
    out.push_back(std::move(m));
    i = e - 1;
  }
  return out;
}

void remove_overlaps(std::vector<Entity>& entities) {
  std::stable_sort(entities.begin(), entities.end(),
                   [](const Entity& a, const Entity& b) { return a.start < b.start; });
  std::vector<Entity> kept;
  for (auto& e : entities) {
    if (!kept.empty() && kept.back().end > e.start) continue;
    kept.push_back(std::move(e));
  }
  entities = std::move(kept);
}

std::vector<Entity> hashtags_of(const Text& t, bool check_url_overlap) {
  const U32& s = t.cps;
  std::vector<Entity> out;
  std::size_t floor = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (!is_hash_sign(s[i]) || i < floor) continue;
    if (i > 0) {
      const char32_t b = s[i - 1];
      const bool boundary = b == 0xFE0E || b == 0xFE0F || !(is_hashtag_alnum(b) || b == '&');
      if (!boundary || i - 1 < floor) continue;
    }
    if (i + 1 < s.size() && (s[i + 1] == 0xFE0F || s[i + 1] == 0x20E3)) continue;
    std::size_t j = i + 1;
    bool alpha = false;
    while (j < s.size() && is_hashtag_alnum(s[j])) {
      alpha = alpha || is_hashtag_alpha(s[j]);
      ++j;
    }
    if (!alpha) continue;
    floor = j;
    const bool reject =
        j < s.size() && (is_hash_sign(s[j]) || (j + 2 < s.size() && s[j] == ':' && s[j + 1] == '/' && s[j + 2] == '/'));
    if (!reject) out.push_back(t.make(Entity::Kind::hashtag, i, j, i + 1, j));
    i = j - 1;
  }
  if (check_url_overlap && !out.empty()) {
    auto all = out;
    auto urls = urls_of(t);
    if (!urls.empty()) {
      all.insert(all.end(), urls.begin(), urls.end());
      remove_overlaps(all);
      out.clear();
      for (auto& e : all) {
        if (e.kind == Entity::Kind::hashtag) out.push_back(std::move(e));
      }
    }
  }
  return out;
}

bool cashtag_follow_ok(const U32& s, std::size_t e) { return e >= s.size() || is_space(s[e]) || is_punct(s[e]); }

std::vector<Entity> cashtags_of(const Text& t) {
  const U32& s = t.cps;
  std::vector<Entity> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || (i > 0 && !is_space(s[i - 1]))) continue;
    std::size_t j = i + 1;
    while (j < s.size() && is_ascii_alpha(s[j])) ++j;
    const std::size_t run = j - (i + 1);
    if (run < 1 || run > 6) continue;
    std::size_t e = U32::npos;
    if (j + 1 < s.size() && (s[j] == '.' || s[j] == '_') && is_ascii_alpha(s[j + 1])) {
      std::size_t k = j + 1;
      while (k < s.size() && k - (j + 1) < 2 && is_ascii_alpha(s[k])) ++k;
      for (std::size_t kk = k; kk > j + 1 && e == U32::npos; --kk) {
        if (cashtag_follow_ok(s, kk)) e = kk;
      }
    }
    if (e == U32::npos && cashtag_follow_ok(s, j)) e = j;
    if (e == U32::npos) continue;
    out.push_back(t.make(Entity::Kind::cashtag, i, e, i + 1, e));
    i = e - 1;
  }
  return out;
}

} // namespace

std::vector<Entity> extract_mentions_or_lists(std::string_view text) {
  if (text.find('@') == std::string_view::npos && text.find("\xEF\xBC\xA0") == std::string_view::npos) {
    return {};
  }
  return mentions_of(Text(text));
}

std::vector<Entity> extract_mentions(std::string_view text) {
  auto all = extract_mentions_or_lists(text);
  std::vector<Entity> out;
  for (auto& m : all) {
    if (m.list_slug.empty()) out.push_back(std::move(m));
  }
  return out;
}

std::vector<Entity> extract_hashtags(std::string_view text) {
  if (text.find('#') == std::string_view::npos && text.find("\xEF\xBC\x83") == std::string_view::npos) {
    return {};
  }
  return hashtags_of(Text(text), true);
}

std::vector<Entity> extract_cashtags(std::string_view text) {
  if (text.find('$') == std::string_view::npos) return {};
  return cashtags_of(Text(text));
}

std::vector<Entity> extract_urls(std::string_view text) {
  if (text.find('.') == std::string_view::npos) return {};
  return urls_of(Text(text));
}

std::string extract_reply(std::string_view text) {
  const Text t(text);
  const U32& s = t.cps;
  std::size_t i = 0;
  while (i < s.size() && (is_space(s[i]) || s[i] == 0x200E || s[i] == 0x200F)) ++i;
  if (i >= s.size() || !is_at_sign(s[i])) return {};
  std::size_t j = i + 1;
  while (j < s.size() && j - (i + 1) < 20 && (is_ascii_alnum(s[j]) || s[j] == '_')) ++j;
  if (j == i + 1 || end_mention_reject(s, j)) return {};
  return detail::to_utf8(t.U32_view(i + 1, j));
}

std::vector<Entity> extract_entities(std::string_view text) {
  const Text t(text);
  std::vector<Entity> all = urls_of(t);
  auto h = hashtags_of(t, false);
  auto m = mentions_of(t);
  auto c = cashtags_of(t);
  all.insert(all.end(), h.begin(), h.end());
  all.insert(all.end(), m.begin(), m.end());
  all.insert(all.end(), c.begin(), c.end());
  remove_overlaps(all);
  return all;
}

} // namespace tweetcheck
