// A metamorphic test of the verdicts. From every original in the fixtures (the real recorded
// answers and the documentation-shaped ones), articles are generated that embed the post with
// cosmetic changes only (each must stay `verified`) and with one substantive change (each must
// be flagged with the right verdict and reason). Each article is HTML the scanner reads, and the
// original comes from the sources' own parsers; the verdict is the verifier's, run offline on a
// local archive holding that original.
//
// Deterministic: TWEETCHECK_METAMORPHIC_SEED (default 20261201) seeds the choices, and
// TWEETCHECK_METAMORPHIC_COMBOS (default 10) sets how many random combinations of cosmetic changes
// each original gets. tools/metamorphic.sh runs it at larger scale and prints the figures.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

#include "core/text_util.hpp"
#include "support/fixtures.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/scan.hpp"
#include "tweetcheck/verify.hpp"
#include "verify/compare.hpp"
#include "verify/sources.hpp"

using namespace tweetcheck;
using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;

namespace {

/// Every original the fixtures hold, parsed by the source that answered it.
std::vector<OriginalPost> fixture_originals() {
  std::vector<OriginalPost> out;
  auto add = [&](const sources::Answer& a) {
    if (a.kind == sources::Answer::Kind::found && a.original && !a.original->text.empty()) out.push_back(*a.original);
  };
  const json recorded = json::parse(read_file(fixture_path("recorded/responses.json")));
  for (const auto& e : recorded) {
    if (e["status"] != 200) continue;
    HttpResponse r;
    r.status = 200;
    r.body = e["body"].get<std::string>();
    const std::string id = e.value("id", "");
    const std::string kind = e["kind"];
    if (kind == "syndication") add(sources::parse_syndication(r, id));
    if (kind == "oembed") add(sources::parse_oembed(r, id));
    if (kind == "x-api") add(sources::parse_xapi(r, id));
  }
  const json routes = json::parse(read_file(fixture_path("http/verify.json")));
  for (const auto& [path, responses] : routes.items()) {
    if (path.rfind("/tweet-result?id=", 0) != 0) continue;
    const std::string id = path.substr(17, path.find('&') - 17);
    for (const auto& resp : responses) {
      if (resp.value("status", 0) != 200) continue;
      HttpResponse r;
      r.status = 200;
      r.body = resp.value("body", "");
      add(sources::parse_syndication(r, id));
      break;
    }
  }
  return out;
}

// ---- the article: pieces of the original's text, rendered ----------------------------------

struct Piece {
  enum class Kind { word, space, link } kind = Kind::word;
  std::string text; ///< word or white space
  const PostLink* link = nullptr;
};

/// The original's text cut into words, white space and its links.
std::vector<Piece> pieces_of(const OriginalPost& o) {
  std::vector<Piece> out;
  const std::string& t = o.text;
  std::size_t i = 0;
  while (i < t.size()) {
    const PostLink* hit = nullptr;
    std::size_t len = 0;
    for (const PostLink& l : o.links) {
      for (const std::string* form : {&l.url, &l.display_url}) {
        if (!form->empty() && form->size() > len && t.compare(i, form->size(), *form) == 0) {
          hit = &l;
          len = form->size();
        }
      }
    }
    if (hit) {
      out.push_back({Piece::Kind::link, t.substr(i, len), hit});
      i += len;
      continue;
    }
    std::size_t j = i;
    const char32_t c = detail::next_code_point(t, j);
    const Piece::Kind k = detail::is_space(c) ? Piece::Kind::space : Piece::Kind::word;
    if (out.empty() || out.back().kind != k) out.push_back({k, {}, nullptr});
    out.back().text.append(t, i, j - i);
    i = j;
  }
  return out;
}

enum class LinkMode { embed, display, display_no_ellipsis, expanded, pic_x, http_tco, drop_media };

struct Style {
  LinkMode links = LinkMode::embed;
  bool curly_quotes = false, straight_quotes = false, dashes = false, entities = false, spaces = false, nfd = false,
       variation = false, ellipsis = false, paragraphs = false;
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out.push_back(c);
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

std::string code_of(const std::string& url) { return url.substr(url.rfind('/') + 1); }

/// A word with the cosmetic changes of `st`, as HTML.
std::string render_word(std::string w, const Style& st) {
  if (st.curly_quotes) {
    w = replace_all(w, "'", "\xE2\x80\x99");
    if (!w.empty() && w[0] == '"') w.replace(0, 1, "\xE2\x80\x9C");
    w = replace_all(w, "\"", "\xE2\x80\x9D");
  }
  if (st.straight_quotes) {
    for (const char* q : {"\xE2\x80\x99", "\xE2\x80\x98"}) w = replace_all(w, q, "'");
    for (const char* q : {"\xE2\x80\x9C", "\xE2\x80\x9D"}) w = replace_all(w, q, "\"");
  }
  if (st.dashes) {
    w = replace_all(w, "\xE2\x80\x94", "-");
    if (w == "-") w = "\xE2\x80\x94";
  }
  if (st.ellipsis) {
    if (w.find("\xE2\x80\xA6") != std::string::npos)
      w = replace_all(w, "\xE2\x80\xA6", "...");
    else
      w = replace_all(w, "...", "\xE2\x80\xA6");
  }
  if (st.nfd) {
    // Decomposed accents: é as e + U+0301 (and the other way round is NFC's job).
    w = replace_all(w, "\xC3\xA9", "e\xCC\x81");
    w = replace_all(w, "\xC3\xA8", "e\xCC\x80");
  }
  if (st.variation) {
    if (w.find("\xEF\xB8\x8F") != std::string::npos)
      w = replace_all(w, "\xEF\xB8\x8F", "");
    else
      w = replace_all(w, "\xE2\x9C\x8C", "\xE2\x9C\x8C\xEF\xB8\x8F");
  }
  std::string h = escape(w);
  if (st.entities) {
    // Numeric references for the punctuation and the first letter, as some CMSs write them.
    h = replace_all(h, "'", "&#39;");
    h = replace_all(h, "\"", "&quot;");
    if (!h.empty() && std::isalpha(static_cast<unsigned char>(h[0])))
      h = "&#" + std::to_string(static_cast<int>(h[0])) + ";" + h.substr(1);
  }
  return h;
}

std::string render_link(const Piece& p, const Style& st, bool last) {
  const PostLink& l = *p.link;
  const bool media = l.kind == PostLink::Kind::media;
  const std::string href = l.url.empty() ? p.text : l.url;
  std::string shown;
  switch (st.links) {
  case LinkMode::embed: shown = media ? "pic.twitter.com/" + code_of(href) : href; break;
  case LinkMode::display: shown = l.display_url.empty() ? href : l.display_url; break;
  case LinkMode::display_no_ellipsis:
    shown = replace_all(l.display_url.empty() ? href : l.display_url, "\xE2\x80\xA6", "");
    break;
  case LinkMode::expanded:
    shown = media || l.expanded_url.empty() ? (media ? "pic.twitter.com/" + code_of(href) : href) : l.expanded_url;
    break;
  case LinkMode::pic_x: shown = media ? "pic.x.com/" + code_of(href) : href; break;
  case LinkMode::http_tco: shown = "http://t.co/" + code_of(href); break;
  case LinkMode::drop_media:
    if (media && last) return {};
    shown = media ? "pic.twitter.com/" + code_of(href) : href;
    break;
  }
  return "<a href=\"" + escape(href) + "\">" + escape(shown) + "</a>";
}

std::string render(const std::vector<Piece>& pieces, const Style& st) {
  std::string out;
  std::size_t last_link = pieces.size();
  for (std::size_t k = pieces.size(); k-- > 0;) {
    if (pieces[k].kind == Piece::Kind::word) break;
    if (pieces[k].kind == Piece::Kind::link) {
      last_link = k;
      break;
    }
  }
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const Piece& p = pieces[k];
    if (p.kind == Piece::Kind::link) {
      out += render_link(p, st, k == last_link);
    } else if (p.kind == Piece::Kind::space) {
      std::string s;
      for (char c : p.text) {
        if (c == '\n')
          s += st.paragraphs ? "</p><p>" : "<br>";
        else
          s.push_back(c);
      }
      s = replace_all(s, "</p><p></p><p>", "</p><p>");
      if (st.spaces) s = replace_all(s, " ", "  \n ");
      out += s;
    } else {
      out += render_word(p.text, st);
    }
  }
  return out;
}

std::string month_date(const std::string& iso) {
  static const char* k_months[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
  const int y = std::atoi(iso.substr(0, 4).c_str()), m = std::atoi(iso.substr(5, 2).c_str()),
            d = std::atoi(iso.substr(8, 2).c_str());
  return std::string(k_months[m - 1]) + " " + std::to_string(d) + ", " + std::to_string(y);
}

/// The same UTC date moved by `days`.
std::string shift_days(const std::string& iso, int days) {
  std::tm tm{};
  tm.tm_year = std::atoi(iso.substr(0, 4).c_str()) - 1900;
  tm.tm_mon = std::atoi(iso.substr(5, 2).c_str()) - 1;
  tm.tm_mday = std::atoi(iso.substr(8, 2).c_str()) + days;
  tm.tm_hour = 12;
  const std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string embed_html(const OriginalPost& o, const std::string& inner, const std::string& handle,
                       const std::string& date, const Style& st) {
  const std::string name = o.display_name.empty() ? "Someone" : o.display_name;
  return "<html><body><blockquote class=\"twitter-tweet\"><p lang=\"en\" dir=\"ltr\">" + inner + "</p>" +
         (st.entities ? "&#8212; " : "&mdash; ") + escape(name) + " (@" + handle + ") <a href=\"https://twitter.com/" +
         handle + "/status/" + o.id + "?ref_src=twsrc%5Etfw\">" + month_date(date) +
         "</a></blockquote></body></html>\n";
}

struct Outcome {
  Verdict verdict;
  std::vector<std::string> reasons;
};

Outcome check(const OriginalPost& o, const std::string& page) {
  Document doc;
  doc.name = "generated.html";
  doc.format = InputFormat::html;
  doc.content = page;
  const ScanResult s = scan(doc);
  if (s.posts.size() != 1) return {Verdict::unverifiable, {"scan_found_" + std::to_string(s.posts.size())}};
  VerifyOptions opts;
  opts.sources = {"archive"};
  opts.offline = true;
  opts.archive[o.id] = o;
  const auto checked = verify(s.posts, nullptr, nullptr, opts);
  return {checked.at(0).verdict, checked.at(0).reasons};
}

// ---- substantive mutations ------------------------------------------------------------------

bool spaceless_word(const std::string& w) {
  for (std::size_t i = 0; i < w.size();) {
    const char32_t c = detail::next_code_point(w, i);
    if ((c >= 0x3040 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF)) return true;
  }
  return false;
}

bool plain_word(const std::string& w) {
  if (w.size() < 4 || w[0] == '@' || w[0] == '#' || w[0] == '$') return false;
  for (unsigned char c : w) {
    if (!std::isalpha(c) && c < 0x80) return false;
  }
  static const std::set<std::string> k_negations{"not",    "never",   "nothing", "none",
                                                 "nobody", "neither", "cannot",  "without"};
  return k_negations.count(detail::ascii_lower(w)) == 0 && !spaceless_word(w);
}

std::vector<std::size_t> indices(const std::vector<Piece>& p, bool (*pred)(const std::string&)) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (p[k].kind == Piece::Kind::word && pred(p[k].text)) out.push_back(k);
  }
  return out;
}

bool has_number(const std::string& w) {
  if (w.find("://") != std::string::npos || w.find("t.co/") != std::string::npos ||
      w.find(".com/") != std::string::npos)
    return false;
  return w[0] != '@' && w[0] != '#' && std::any_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Mutation {
  std::string name;
  std::vector<Piece> pieces;
  std::string handle, date;
  Verdict verdict;
  std::vector<std::string> reasons;
};

/// The substantive changes that apply to this original.
std::vector<Mutation> mutations(const OriginalPost& o, const std::vector<Piece>& base, const std::string& handle,
                                const std::string& date, std::mt19937& rng) {
  std::vector<Mutation> out;
  auto pick = [&](const std::vector<std::size_t>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  auto altered = [&](std::string name, std::vector<Piece> p, std::string reason) {
    out.push_back({std::move(name), std::move(p), handle, date, Verdict::altered, {std::move(reason)}});
  };
  const auto plain = indices(base, plain_word);
  const auto cjk = indices(base, spaceless_word);
  if (!plain.empty()) {
    auto p = base;
    p[pick(plain)].text = "zebra";
    altered("a word", p, "text_changed");
    p = base;
    const std::size_t k = pick(plain);
    p.insert(p.begin() + static_cast<long>(k),
             {{Piece::Kind::word, "not", nullptr}, {Piece::Kind::space, " ", nullptr}});
    altered("a negation", p, "negation_changed");
  } else if (!cjk.empty()) {
    auto p = base;
    std::u32string u = detail::to_u32(p[pick(cjk)].text);
    const std::size_t k = cjk.front();
    u = detail::to_u32(p[k].text);
    std::size_t at = u.size() / 2;
    while (at < u.size() && !(u[at] >= 0x3040 && u[at] <= 0x9FFF)) ++at;
    if (at < u.size()) {
      auto q = p;
      std::u32string v = u;
      v[at] = U'\u732B'; // 猫
      if (v != u) {
        q[k].text = detail::to_utf8(v);
        altered("a character", q, "text_changed");
      }
      std::u32string n = u;
      n.insert(at, 1, U'\u4E0D'); // 不
      q = p;
      q[k].text = detail::to_utf8(n);
      altered("a negation", q, "negation_changed");
    }
  }
  const auto numbers = indices(base, has_number);
  if (!numbers.empty()) {
    auto p = base;
    std::string& w = p[pick(numbers)].text;
    for (char& c : w) {
      if (c >= '0' && c <= '9') {
        c = c == '9' ? '1' : static_cast<char>(c + 1);
        break;
      }
    }
    altered("a number", p, "number_changed");
  }
  // Words only, links and white space aside.
  std::vector<std::size_t> words;
  for (std::size_t k = 0; k < base.size(); ++k) {
    if (base[k].kind == Piece::Kind::word && (plain_word(base[k].text) || spaceless_word(base[k].text)))
      words.push_back(k);
  }
  if (words.size() >= 6) {
    // A cut with an ellipsis after the first half of the words.
    auto p = std::vector<Piece>(base.begin(), base.begin() + static_cast<long>(words[words.size() / 2]) + 1);
    p.back().text += "\xE2\x80\xA6";
    altered("a cut", p, "truncated");
    // Two words from the middle removed.
    p = base;
    const std::size_t a = words[words.size() / 2 - 1], b = words[words.size() / 2];
    p.erase(p.begin() + static_cast<long>(b));
    if (b < p.size() && p[b].kind == Piece::Kind::space) p.erase(p.begin() + static_cast<long>(b));
    p.erase(p.begin() + static_cast<long>(a));
    if (a < p.size() && p[a].kind == Piece::Kind::space) p.erase(p.begin() + static_cast<long>(a));
    altered("a removed middle", p, "text_removed");
  }
  // (Only the head of a long post is known: words added after it cannot be told from the rest
  // of the post, and the verdict says so with the long_post_head_only note.)
  if (!o.partial_text) {
    auto p = base;
    p.push_back({Piece::Kind::space, " ", nullptr});
    p.push_back({Piece::Kind::word, "Officials", nullptr});
    p.push_back({Piece::Kind::space, " ", nullptr});
    p.push_back({Piece::Kind::word, "denied", nullptr});
    p.push_back({Piece::Kind::space, " ", nullptr});
    p.push_back({Piece::Kind::word, "everything.", nullptr});
    altered("an appended sentence", p, "text_added");
  }
  if (!o.handle.empty())
    out.push_back({"another handle", base, o.handle + "_fake", date, Verdict::misattributed, {"handle_mismatch"}});
  out.push_back({"a date a week off", base, handle, shift_days(date, 7), Verdict::misattributed, {"date_mismatch"}});
  return out;
}

std::string describe(const Style& st) {
  static const char* k_links[] = {"embed", "display",  "display_no_ellipsis", "expanded",
                                  "pic_x", "http_tco", "drop_media"};
  std::string s = std::string("links=") + k_links[static_cast<int>(st.links)];
  if (st.curly_quotes) s += " curly_quotes";
  if (st.straight_quotes) s += " straight_quotes";
  if (st.dashes) s += " dashes";
  if (st.entities) s += " entities";
  if (st.spaces) s += " spaces";
  if (st.nfd) s += " nfd";
  if (st.variation) s += " variation";
  if (st.ellipsis) s += " ellipsis";
  if (st.paragraphs) s += " paragraphs";
  return s;
}

} // namespace

TEST_CASE("metamorphic: cosmetic changes stay verified, substantive ones are caught with their reason",
          "[verify][metamorphic]") {
  const char* seed_env = std::getenv("TWEETCHECK_METAMORPHIC_SEED");
  const char* combos_env = std::getenv("TWEETCHECK_METAMORPHIC_COMBOS");
  const unsigned seed = seed_env ? static_cast<unsigned>(std::strtoul(seed_env, nullptr, 10)) : 20261201u;
  const int combos = combos_env ? std::atoi(combos_env) : 10;
  std::mt19937 rng(seed);
  const auto originals = fixture_originals();
  REQUIRE(originals.size() >= 30);

  std::size_t cosmetic = 0, substantive = 0, false_alarms = 0, missed = 0, wrong_reason = 0;
  std::ostringstream failures;
#define LOG_FAILURE(x) (failures << x << "\n")
  for (const OriginalPost& o : originals) {
    const auto base = pieces_of(o);
    const std::string handle = o.handle.empty() ? "someone" : o.handle;
    const std::string date =
        o.created_at.size() >= 10 ? o.created_at.substr(0, 10) : snowflake_date(o.id).value_or("2020-01-01");
    std::vector<Style> styles;
    // Each cosmetic change alone, then random combinations.
    for (int l = 0; l <= static_cast<int>(LinkMode::drop_media); ++l) styles.push_back(Style{static_cast<LinkMode>(l)});
    for (bool Style::*f : {&Style::curly_quotes, &Style::straight_quotes, &Style::dashes, &Style::entities,
                           &Style::spaces, &Style::nfd, &Style::variation, &Style::ellipsis, &Style::paragraphs}) {
      Style st;
      st.*f = true;
      styles.push_back(st);
    }
    std::bernoulli_distribution coin(0.4);
    for (int k = 0; k < combos; ++k) {
      Style st;
      st.links =
          static_cast<LinkMode>(std::uniform_int_distribution<int>(0, static_cast<int>(LinkMode::drop_media))(rng));
      for (bool Style::*f : {&Style::curly_quotes, &Style::dashes, &Style::entities, &Style::spaces, &Style::nfd,
                             &Style::variation, &Style::ellipsis, &Style::paragraphs}) {
        st.*f = coin(rng);
      }
      styles.push_back(st);
    }
    for (const Style& st : styles) {
      ++cosmetic;
      const Outcome r = check(o, embed_html(o, render(base, st), handle, date, st));
      if (r.verdict != Verdict::verified) {
        ++false_alarms;
        LOG_FAILURE("false alarm on " << o.id << " (" << o.source << ") with " << describe(st) << ": "
                                      << to_string(r.verdict) << (r.reasons.empty() ? "" : " " + r.reasons[0]));
      }
    }
    // Each substantive change, at random places and with random link renderings, once per ten
    // combinations.
    for (int round = 0; round < std::max(1, combos / 10); ++round)
      for (const Mutation& m : mutations(o, base, handle, date, rng)) {
        ++substantive;
        Style st;
        st.links =
            static_cast<LinkMode>(std::uniform_int_distribution<int>(0, static_cast<int>(LinkMode::drop_media))(rng));
        const Outcome r = check(o, embed_html(o, render(m.pieces, st), m.handle, m.date, st));
        if (r.verdict == Verdict::verified) {
          ++missed;
          LOG_FAILURE("missed " << m.name << " on " << o.id << " (" << o.source << ")");
        } else if (r.verdict != m.verdict || r.reasons != m.reasons) {
          ++wrong_reason;
          std::string got;
          for (const auto& x : r.reasons) got += " " + x;
          LOG_FAILURE("wrong reason for " << m.name << " on " << o.id << " (" << o.source
                                          << "): " << to_string(r.verdict) << got);
        }
      }
  }
  std::cerr << "metamorphic (seed " << seed << ", " << originals.size() << " originals): false alarms " << false_alarms
            << "/" << cosmetic << ", missed " << missed << "/" << substantive << ", wrong reason " << wrong_reason
            << "/" << substantive << "\n";
#undef LOG_FAILURE
  INFO(failures.str());
  CHECK(cosmetic >= 600);
  CHECK(substantive >= 200);
  CHECK(false_alarms == 0);
  CHECK(missed == 0);
  CHECK(wrong_reason == 0);
}
