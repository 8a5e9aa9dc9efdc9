// Dates as embeds show them (many languages and formats) and the time a Snowflake ID carries.
#include "tweetcheck/dates.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include <utf8proc.h>

#include "core/text_util.hpp"

namespace tweetcheck {

namespace {

using detail::next_code_point;

const std::unordered_map<std::string, int>& month_names() {
  static const std::unordered_map<std::string, int> names = [] {
    std::unordered_map<std::string, int> m;
    auto add = [&m](int month, std::initializer_list<const char*> words) {
      for (const char* w : words) m.emplace(w, month);
    };
    // English, French, German, Spanish, Italian, Portuguese, Dutch, Swedish/Norwegian/Danish,
    // Russian (nominative and genitive), Ukrainian, Polish, Turkish; common abbreviations.
    add(1, {"january", "jan",     "janvier", "janv",     "januar",  "jänner",   "jan",    "enero",
            "ene",     "gennaio", "gen",     "janeiro",  "januari", "janvāris", "январь", "января",
            "янв",     "січня",   "січень",  "stycznia", "styczeń", "sty",      "ocak"});
    add(2, {"february", "feb",       "février", "fevrier",  "févr",    "fevr",    "februar", "febrero",
            "febbraio", "fevereiro", "fev",     "februari", "februar", "февраль", "февраля", "февр",
            "фев",      "лютого",    "лютий",   "lutego",   "luty",    "lut",     "şubat",   "subat"});
    add(3, {"march", "mar", "mars", "märz", "maerz", "marzo", "março", "marco", "maart", "mars", "март", "марта", "мар",
            "березня", "березень", "marca", "marzec", "mart"});
    add(4, {"april", "apr", "avril", "avr", "abril", "abr", "aprile", "апрель", "апреля", "апр", "квітня", "квітень",
            "kwietnia", "kwiecień", "kwi", "nisan"});
    add(5, {"may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maj", "май", "мая", "травня", "травень", "maja",
            "mayıs", "mayis"});
    add(6, {"june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho", "июнь", "июня", "июн", "червня",
            "червень", "czerwca", "czerwiec", "cze", "haziran"});
    add(7, {"july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug", "julho", "июль", "июля", "июл", "липня",
            "липень", "lipca", "lipiec", "lip", "temmuz"});
    add(8, {"august", "aug", "août", "aout", "agosto", "ago", "augustus", "augusti", "август", "августа", "авг",
            "серпня", "серпень", "sierpnia", "sierpień", "sie", "ağustos", "agustos"});
    add(9, {"september", "sep",      "sept",     "septembre", "septiembre", "setiembre", "settembre",
            "set",       "setembro", "сентябрь", "сентября",  "сент",       "сен",       "вересня",
            "вересень",  "września", "wrzesień", "wrz",       "eylül",      "eylul"});
    add(10, {"october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out", "октябрь",
             "октября", "окт", "жовтня", "жовтень", "października", "październik", "paź", "ekim"});
    add(11, {"november", "nov", "novembre", "noviembre", "novembro", "ноябрь", "ноября", "нояб", "ноя", "листопада",
             "листопад", "listopada", "listopad", "lis", "kasım", "kasim"});
    add(12, {"december", "dec",      "décembre", "decembre", "déc",      "dezember", "dez",     "diciembre",
             "dic",      "dicembre", "dezembro", "desember", "december", "декабрь",  "декабря", "дек",
             "грудня",   "грудень",  "grudnia",  "grudzień", "gru",      "aralık",   "aralik"});
    return m;
  }();
  return names;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[static_cast<std::size_t>(m - 1)];
}

std::optional<std::string> make_date(int y, int m, int d) {
  if (y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
    return std::nullopt;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return std::string(buf);
}

struct Token {
  std::string text; // lower-cased letters, or digits
  bool digits = false;
  char32_t before = 0; // code point right before the token
  char32_t after = 0;  // code point right after the token
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  char32_t prev = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t start = i;
    char32_t cp = next_code_point(s, i);
    const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    const bool digit = cp >= '0' && cp <= '9';
    const bool letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
    if (!digit && !letter) {
      prev = cp;
      continue;
    }
    Token t;
    t.digits = digit;
    t.before = prev;
    std::size_t j = start;
    char32_t last = cp;
    for (;;) {
      if (j >= s.size()) {
        t.after = 0;
        i = j;
        break;
      }
      std::size_t k = j;
      char32_t c = next_code_point(s, k);
      const auto ccat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
      const bool cdigit = c >= '0' && c <= '9';
      const bool cletter = ccat >= UTF8PROC_CATEGORY_LU && ccat <= UTF8PROC_CATEGORY_LO;
      if ((digit && cdigit) || (!digit && cletter)) {
        detail::append_utf8(t.text,
                            digit ? c : static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
        last = c;
        j = k;
      } else {
        t.after = c;
        i = j;
        break;
      }
    }
    prev = last;
    out.push_back(std::move(t));
  }
  return out;
}

int to_int(std::string_view digits) {
  int v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v);
  return v;
}

} // namespace

std::optional<std::string> parse_date_text(std::string_view raw) {
  const std::string_view s = detail::trim(raw);
  if (s.empty() || s.size() > 80) {
    return std::nullopt;
  }
  // ISO 8601.
  if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
    const auto y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
    auto all_digits = [](std::string_view v) {
      return std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (all_digits(y) && all_digits(m) && all_digits(d)) {
      return make_date(to_int(y), to_int(m), to_int(d));
    }
  }
  const auto tokens = tokenize(s);
  int year = 0, month = 0, day = 0, unknown = 0;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.digits) {
      // Times ("12:58", "15:13:45") and zone offsets ("+0000") are not dates.
      if (t.after == ':' || t.before == ':' || t.before == '+' || (t.before == '-' && t.text.size() == 4 && year)) {
        continue;
      }
      // CJK numeric forms: 2019年7月20日, 3月 16, 2012, 2019년 7월 20일.
      if (t.after == U'年' || t.after == U'년') {
        if (!year) year = to_int(t.text);
        continue;
      }
      if (t.after == U'月' || t.after == U'월') {
        if (!month) month = to_int(t.text);
        continue;
      }
      if (t.after == U'日' || t.after == U'일') {
        if (!day) day = to_int(t.text);
        continue;
      }
      if (t.text.size() == 4) {
        if (!year) year = to_int(t.text);
      } else if (t.text.size() <= 2) {
        if (!day) {
          day = to_int(t.text);
        }
      } else {
        return std::nullopt;
      }
      continue;
    }
    const auto& names = month_names();
    auto it = names.find(t.text);
    if (it != names.end() && !month) {
      month = it->second;
    } else if (++unknown > 5) {
      return std::nullopt;
    }
  }
  if (!year || !month || !day) {
    return std::nullopt;
  }
  return make_date(year, month, day);
}

std::optional<std::int64_t> snowflake_millis(std::string_view status_id) {
  if (status_id.empty() || status_id.size() > 20) {
    return std::nullopt;
  }
  std::uint64_t id = 0;
  auto [ptr, ec] = std::from_chars(status_id.data(), status_id.data() + status_id.size(), id);
  if (ec != std::errc() || ptr != status_id.data() + status_id.size() || id < 29700859247ULL) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(id >> 22) + 1288834974657LL;
}

std::optional<std::string> snowflake_date(std::string_view status_id) {
  const auto ms = snowflake_millis(status_id);
  if (!ms) {
    return std::nullopt;
  }
  // Civil date from days since the epoch (H. Hinnant's algorithm).
  std::int64_t z = *ms / 86400000 + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const auto y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return std::string(buf);
}

} // namespace tweetcheck
