// Feeds as inputs: libxml2 for RSS/RDF/Atom, nlohmann-json for JSON Feed. The parsers decide
// structure and decoding; this file only finds, for each item's content, where its bytes stand in
// the feed file (decoding the raw element or string a second time while recording offsets, and
// keeping that map only when the result equals the parser's).
#include "scan/feed.hpp"
#include "core/handles.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include <libxml/parser.h>
#include <libxml/uri.h>
#include <nlohmann/json.hpp>

#include "core/text_util.hpp"

namespace tweetcheck::detail {

namespace {

std::string_view local_name(const xmlNode* n) { return n->name ? reinterpret_cast<const char*>(n->name) : ""; }
std::string_view ns_prefix(const xmlNode* n) {
  return n->ns && n->ns->prefix ? std::string_view(reinterpret_cast<const char*>(n->ns->prefix)) : std::string_view();
}
std::string_view ns_href(const xmlNode* n) {
  return n->ns && n->ns->href ? std::string_view(reinterpret_cast<const char*>(n->ns->href)) : std::string_view();
}
std::string node_text(const xmlNode* n) {
  detail::XmlString c(xmlNodeGetContent(n));
  return c ? std::string(reinterpret_cast<const char*>(c.get())) : std::string();
}
std::string attribute(const xmlNode* n, const char* name) {
  detail::XmlString c(xmlGetProp(n, reinterpret_cast<const xmlChar*>(name)));
  return c ? std::string(reinterpret_cast<const char*>(c.get())) : std::string();
}
/// `href` resolved against the element's xml:base (Atom feeds give relative links).
std::string resolved(xmlNode* n, const std::string& href) {
  if (href.empty() || href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0) return href;
  // Only an explicit xml:base: the document's own name is a file path, no base for a link.
  bool declared = false;
  for (xmlNode* a = n; a && a->type == XML_ELEMENT_NODE && !declared; a = a->parent) {
    detail::XmlString b(xmlGetNsProp(a, reinterpret_cast<const xmlChar*>("base"), XML_XML_NAMESPACE));
    declared = b != nullptr;
  }
  if (!declared) return href;
  detail::XmlString base(xmlNodeGetBase(n->doc, n));
  if (!base) return href;
  detail::XmlString uri(xmlBuildURI(reinterpret_cast<const xmlChar*>(href.c_str()), base.get()));
  return uri ? std::string(reinterpret_cast<const char*>(uri.get())) : href;
}

bool has_element_children(const xmlNode* n) {
  for (const xmlNode* c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

/// "1:5" style position of byte `offset` (1-based line and column in bytes of the line).
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

void append_code_point(std::string& out, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  append_utf8(out, static_cast<char32_t>(cp));
}

/// Decodes the raw content of an XML element from `begin` (just after its start tag) up to its end
/// tag, as an XML parser does: CDATA sections copied, the five predefined and numeric character
/// references decoded, line ends normalised. Markup inside (comments, child elements) makes it
/// give up: the caller then keeps the parser's text with a coarse map.
bool decode_xml_text(std::string_view raw, std::size_t begin, std::string& out, std::vector<FeedRun>& runs) {
  std::size_t i = begin;
  bool run = false;
  auto literal = [&](std::size_t at, std::string_view bytes) {
    if (!run) {
      runs.push_back({out.size(), at, true});
      run = true;
    }
    out.append(bytes);
  };
  while (i < raw.size()) {
    const char c = raw[i];
    if (c == '<') {
      if (raw.compare(i, 9, "<![CDATA[") == 0) {
        const std::size_t e = raw.find("]]>", i + 9);
        if (e == std::string_view::npos) return false;
        run = false;
        for (std::size_t k = i + 9; k < e; ++k) {
          if (raw[k] == '\r') {
            run = false;
            if (k + 1 < e && raw[k + 1] == '\n') continue;
            runs.push_back({out.size(), k, false});
            out.push_back('\n');
            continue;
          }
          literal(k, raw.substr(k, 1));
        }
        run = false;
        i = e + 3;
        continue;
      }
      return raw.compare(i, 2, "</") == 0; // the end tag, or markup this decoder does not follow
    }
    if (c == '&') {
      const std::size_t semi = raw.find(';', i + 1);
      if (semi == std::string_view::npos || semi - i > 12) return false;
      const std::string_view name = raw.substr(i + 1, semi - i - 1);
      runs.push_back({out.size(), i, false});
      run = false;
      if (name == "lt")
        out.push_back('<');
      else if (name == "gt")
        out.push_back('>');
      else if (name == "amp")
        out.push_back('&');
      else if (name == "quot")
        out.push_back('"');
      else if (name == "apos")
        out.push_back('\'');
      else if (name.size() > 1 && name[0] == '#') {
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string digits(name.substr(hex ? 2 : 1));
        if (digits.empty() ||
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos) {
          return false;
        }
        append_code_point(out, std::stoul(digits, nullptr, hex ? 16 : 10));
      } else {
        return false; // an entity declared in a DTD: the parser's text is used
      }
      i = semi + 1;
      continue;
    }
    if (c == '\r') {
      run = false;
      if (i + 1 < raw.size() && raw[i + 1] == '\n') {
        ++i;
        continue;
      }
      runs.push_back({out.size(), i, false});
      out.push_back('\n');
      ++i;
      continue;
    }
    literal(i, raw.substr(i, 1));
    ++i;
  }
  return false;
}

/// Finds the start tag of `qname` at or after `from`; returns the offset just after it (or npos).
std::size_t after_start_tag(std::string_view raw, std::string_view qname, std::size_t from, std::size_t* tag_at,
                            bool* empty) {
  for (std::size_t p = raw.find('<', from); p != std::string_view::npos; p = raw.find('<', p + 1)) {
    if (raw.compare(p + 1, qname.size(), qname) != 0) continue;
    const std::size_t q = p + 1 + qname.size();
    if (q >= raw.size() ||
        !(raw[q] == '>' || raw[q] == '/' || raw[q] == ' ' || raw[q] == '\t' || raw[q] == '\n' || raw[q] == '\r')) {
      continue;
    }
    char quote = 0;
    for (std::size_t k = q; k < raw.size(); ++k) {
      if (quote) {
        if (raw[k] == quote) quote = 0;
      } else if (raw[k] == '"' || raw[k] == '\'') {
        quote = raw[k];
      } else if (raw[k] == '>') {
        *tag_at = p;
        *empty = raw[k - 1] == '/';
        return k + 1;
      }
    }
    return std::string_view::npos;
  }
  return std::string_view::npos;
}

class XmlFeed {
public:
  XmlFeed(std::string_view name, std::string_view raw) : m_name(name), m_raw(raw), m_lines(raw) {}

  Result<std::vector<FeedItem>> read() {
    detail::XmlParser ctxt(xmlNewParserCtxt());
    if (!ctxt) return fail(Errc::internal, "cannot create an XML parser");
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
    const std::string url(m_name);
    const int size = static_cast<int>(std::min<std::size_t>(m_raw.size(), INT32_MAX));
    detail::XmlDoc doc(xmlCtxtReadMemory(ctxt.get(), m_raw.data(), size, url.c_str(), nullptr, options));
    const xmlError* err = xmlCtxtGetLastError(ctxt.get());
    // Namespace errors (an undeclared prefix, common in real feeds) still give a tree to read.
    if (!doc || (err && err->level == XML_ERR_FATAL)) {
      std::string msg = err && err->message ? trim_copy(err->message) : std::string("not well-formed");
      const std::string where =
          err ? "line " + std::to_string(err->line) + ", column " + std::to_string(err->int2) : std::string("line 1");
      m_error = "feed '" + std::string(m_name) + "' " + where + ": " + msg;
      // Real feeds are often slightly malformed (a bare '&', a blank line before the declaration):
      // read what a recovering parse still gives, and say where the feed is broken.
      detail::XmlParser again(xmlNewParserCtxt());
      if (again) {
        doc.reset(
            xmlCtxtReadMemory(again.get(), m_raw.data(), size, url.c_str(), nullptr, options | XML_PARSE_RECOVER));
      } else {
        doc.reset();
      }
      if (!doc || !xmlDocGetRootElement(doc.get())) return fail(Errc::parse, m_error);
    }
    walk(xmlDocGetRootElement(doc.get()));
    return std::move(m_items);
  }

private:
  static bool is_item(const xmlNode* n) { return local_name(n) == "item" || local_name(n) == "entry"; }

  void walk(xmlNode* root) {
    std::vector<xmlNode*> stack;
    if (root) stack.push_back(root);
    while (!stack.empty()) {
      xmlNode* n = stack.back();
      stack.pop_back();
      if (n->type != XML_ELEMENT_NODE) continue;
      if (is_item(n)) {
        item(n);
        continue;
      }
      // Children in reverse so that items come out in document order.
      std::vector<xmlNode*> kids;
      for (xmlNode* c = n->children; c; c = c->next) kids.push_back(c);
      for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back(*it);
    }
  }

  void item(xmlNode* n) {
    // Move the cursor to this item's start tag, so that the search for its content skips what
    // precedes it (the channel's own <description> on the same line, earlier items).
    {
      std::string qname(local_name(n));
      if (!ns_prefix(n).empty()) qname = std::string(ns_prefix(n)) + ":" + qname;
      const long line = xmlGetLineNo(n);
      std::size_t from = m_cursor;
      if (line > 0 && static_cast<std::size_t>(line) <= m_lines.line_count()) {
        from = std::max(from, m_lines.line_start(static_cast<std::uint32_t>(line)));
      }
      std::size_t tag_at = 0;
      bool empty = false;
      const std::size_t after = after_start_tag(m_raw, qname, from, &tag_at, &empty);
      if (after != std::string_view::npos) m_cursor = after;
    }
    FeedItem it;
    xmlNode* encoded = nullptr;
    xmlNode* content = nullptr;
    xmlNode* description = nullptr;
    xmlNode* summary = nullptr;
    for (xmlNode* c = n->children; c; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      const std::string_view name = local_name(c);
      if ((name == "encoded" && ns_href(c).find("purl.org/rss/1.0/modules/content") != std::string_view::npos) ||
          name == "content:encoded") {
        encoded = c;
      } else if (name == "content") {
        content = c;
      } else if (name == "description") {
        description = c;
      } else if (name == "summary") {
        summary = c;
      } else if (name == "link") {
        const std::string href = resolved(c, attribute(c, "href"));
        const std::string rel = attribute(c, "rel");
        if (!href.empty() && (rel.empty() || rel == "alternate") && it.link.empty()) it.link = href;
        if (href.empty() && it.link.empty()) it.link = trim_copy(node_text(c));
      } else if ((name == "guid" || name == "id") && it.id.empty()) {
        it.id = trim_copy(node_text(c));
      } else if ((name == "pubDate" || name == "published" || name == "updated" || name == "date") && it.date.empty()) {
        it.date = trim_copy(node_text(c));
      } else if (name == "title" && it.title.empty()) {
        it.title = trim_copy(node_text(c));
      }
    }
    xmlNode* body = encoded ? encoded : content ? content : description ? description : summary;
    if (body) locate(body, it);
    // Feed content is HTML (RSS description, content:encoded, Atom type="html"/"xhtml"); content
    // without a single tag is plain text (Atom type="text", text pasted into a CDATA section).
    it.format = InputFormat::text;
    for (std::size_t i = 0; i + 1 < it.content.size(); ++i) {
      const char c = it.content[i + 1];
      if (it.content[i] == '<' && (std::isalpha(static_cast<unsigned char>(c)) || c == '/' || c == '!')) {
        it.format = InputFormat::html;
        break;
      }
    }
    m_items.push_back(std::move(it));
  }

  /// The decoded content of `body` and where each of its bytes stands in the file.
  void locate(xmlNode* body, FeedItem& it) {
    std::string qname(local_name(body));
    if (!ns_prefix(body).empty()) qname = std::string(ns_prefix(body)) + ":" + qname;
    const long line = xmlGetLineNo(body);
    std::size_t from = m_cursor;
    if (line > 0 && static_cast<std::size_t>(line) <= m_lines.line_count()) {
      from = std::max(from, m_lines.line_start(static_cast<std::uint32_t>(line)));
    }
    std::size_t tag_at = 0;
    bool empty = false;
    const std::size_t begin = after_start_tag(m_raw, qname, from, &tag_at, &empty);
    const std::string parsed = node_text(body);
    if (begin == std::string_view::npos) {
      it.content = parsed;
      it.raw_start = line > 0 && static_cast<std::size_t>(line) <= m_lines.line_count()
                         ? m_lines.line_start(static_cast<std::uint32_t>(line))
                         : 0;
      it.runs.push_back({0, it.raw_start, false});
      return;
    }
    m_cursor = begin;
    it.raw_start = tag_at;
    if (empty) return;
    if (has_element_children(body)) {
      // Atom type="xhtml": the content is markup itself, taken as written.
      const std::size_t end = m_raw.find("</" + qname, begin);
      const std::size_t stop = end == std::string_view::npos ? m_raw.size() : end;
      it.content = std::string(m_raw.substr(begin, stop - begin));
      it.runs.push_back({0, begin, true});
      return;
    }
    std::string decoded;
    std::vector<FeedRun> runs;
    if (decode_xml_text(m_raw, begin, decoded, runs) && decoded == parsed) {
      it.content = std::move(decoded);
      it.runs = std::move(runs);
    } else {
      it.content = parsed;
      it.runs.push_back({0, tag_at, false});
    }
  }

public:
  std::string m_error; ///< set when the feed is malformed but a recovering parse gave a tree

private:
  std::string_view m_name;
  std::string_view m_raw;
  LineIndex m_lines;
  std::size_t m_cursor = 0;
  std::vector<FeedItem> m_items;
};

/// Decodes the JSON string whose opening quote is at `quote`, recording where each byte came from.
bool decode_json_string(std::string_view raw, std::size_t quote, std::string& out, std::vector<FeedRun>& runs) {
  bool run = false;
  auto hex4 = [&](std::size_t at, unsigned& v) {
    if (at + 4 > raw.size()) return false;
    v = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const char h = raw[k];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<unsigned>(h - 'A' + 10);
      else
        return false;
    }
    return true;
  };
  for (std::size_t i = quote + 1; i < raw.size();) {
    const char c = raw[i];
    if (c == '"') return true;
    if (c != '\\') {
      if (!run) {
        runs.push_back({out.size(), i, true});
        run = true;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= raw.size()) return false;
    runs.push_back({out.size(), i, false});
    run = false;
    const char e = raw[i + 1];
    switch (e) {
    case 'n': out.push_back('\n'); break;
    case 't': out.push_back('\t'); break;
    case 'r': out.push_back('\r'); break;
    case 'b': out.push_back('\b'); break;
    case 'f': out.push_back('\f'); break;
    case '/':
    case '\\':
    case '"': out.push_back(e); break;
    case 'u': {
      unsigned v = 0;
      if (!hex4(i + 2, v)) return false;
      std::size_t len = 6;
      unsigned long cp = v;
      if (v >= 0xD800 && v <= 0xDBFF && raw.compare(i + 6, 2, "\\u") == 0) {
        unsigned lo = 0;
        if (hex4(i + 8, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((static_cast<unsigned long>(v) - 0xD800) << 10) + (lo - 0xDC00);
          len = 12;
        }
      }
      append_code_point(out, cp);
      i += len;
      continue;
    }
    default: return false;
    }
    i += 2;
  }
  return false;
}

Result<std::vector<FeedItem>> read_json_feed(std::string_view name, std::string_view raw) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(raw);
  } catch (const nlohmann::json::parse_error& e) {
    return fail(Errc::parse,
                "feed '" + std::string(name) + "' " + position(raw, e.byte > 0 ? e.byte - 1 : 0) + ": not valid JSON");
  }
  if (!j.is_object() || !j.contains("items") || !j["items"].is_array()) {
    return fail(Errc::parse, "feed '" + std::string(name) + "' line 1: a JSON Feed needs an \"items\" array");
  }
  // Where the content values stand: the "content_html"/"content_text" keys in the file, in order.
  auto keys_of = [&](std::string_view key) {
    std::vector<std::size_t> at;
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (std::size_t p = raw.find(quoted); p != std::string_view::npos; p = raw.find(quoted, p + 1)) {
      std::size_t bs = 0;
      for (std::size_t k = p; k > 0 && raw[k - 1] == '\\'; --k) ++bs;
      if (bs % 2 == 1) continue; // inside a string
      std::size_t q = p + quoted.size();
      while (q < raw.size() && (raw[q] == ' ' || raw[q] == '\t' || raw[q] == '\n' || raw[q] == '\r')) ++q;
      if (q >= raw.size() || raw[q] != ':') continue;
      ++q;
      while (q < raw.size() && (raw[q] == ' ' || raw[q] == '\t' || raw[q] == '\n' || raw[q] == '\r')) ++q;
      if (q < raw.size() && raw[q] == '"') at.push_back(q);
    }
    return at;
  };
  const std::vector<std::size_t> html_at = keys_of("content_html"), text_at = keys_of("content_text");
  std::size_t next_html = 0, next_text = 0;
  std::vector<FeedItem> items;
  for (const auto& e : j["items"]) {
    if (!e.is_object()) continue;
    FeedItem it;
    auto str = [&](const char* field) {
      auto f = e.find(field);
      return f != e.end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    it.link = str("url");
    it.id = e.contains("id") ? (e["id"].is_string() ? e["id"].get<std::string>() : e["id"].dump()) : std::string();
    it.date = str("date_published");
    it.title = str("title");
    const bool html = e.contains("content_html") && e["content_html"].is_string();
    const bool text = !html && e.contains("content_text") && e["content_text"].is_string();
    if (html || text) {
      const std::string value = str(html ? "content_html" : "content_text");
      it.format = html ? InputFormat::html : InputFormat::text;
      const std::vector<std::size_t>& at = html ? html_at : text_at;
      std::size_t& next = html ? next_html : next_text;
      // The next key in the file whose decoded value is this item's.
      for (; next < at.size(); ++next) {
        std::string decoded;
        std::vector<FeedRun> runs;
        if (decode_json_string(raw, at[next], decoded, runs) && decoded == value) {
          it.raw_start = at[next];
          it.runs = std::move(runs);
          ++next;
          break;
        }
      }
      if (it.runs.empty()) it.runs.push_back({0, it.raw_start, false});
      it.content = value;
    }
    items.push_back(std::move(it));
  }
  return items;
}

std::string_view skip_bom_and_space(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  return s;
}

bool is_xml_feed(std::string_view content) {
  const std::string_view s = skip_bom_and_space(content);
  if (s.empty() || s.front() != '<') return false;
  const std::string head = ascii_lower(s.substr(0, 4096));
  // The root element comes after the XML declaration, comments and stylesheet instructions.
  std::size_t p = 0;
  while ((p = head.find('<', p)) != std::string::npos) {
    if (head.compare(p, 2, "<?") == 0 || head.compare(p, 2, "<!") == 0) {
      const std::size_t e = head.find('>', p);
      if (e == std::string::npos) return false;
      p = e + 1;
      continue;
    }
    return head.compare(p, 4, "<rss") == 0 || head.compare(p, 5, "<feed") == 0 || head.compare(p, 8, "<rdf:rdf") == 0;
  }
  return false;
}

bool is_json_feed(std::string_view content) {
  const std::string_view s = skip_bom_and_space(content);
  return !s.empty() && s.front() == '{' && s.substr(0, 4096).find("jsonfeed.org/version") != std::string_view::npos;
}

bool ends_with_icase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

} // namespace

std::size_t FeedItem::raw_offset(std::size_t offset) const {
  if (runs.empty()) return raw_start;
  auto it = std::upper_bound(runs.begin(), runs.end(), offset,
                             [](std::size_t off, const FeedRun& r) { return off < r.content; });
  if (it != runs.begin()) --it;
  return it->raw + (it->exact && offset >= it->content ? offset - it->content : 0);
}

bool looks_like_feed(std::string_view name, std::string_view content) {
  if (ends_with_icase(name, ".rss") || ends_with_icase(name, ".atom")) return true;
  if (ends_with_icase(name, ".json")) return is_json_feed(content);
  return is_xml_feed(content) || is_json_feed(content);
}

Result<std::vector<FeedItem>> read_feed(std::string_view name, std::string_view content, std::string* warning) {
  if (is_json_feed(content)) return read_json_feed(name, content);
  XmlFeed feed(name, content);
  auto items = feed.read();
  if (warning) *warning = feed.m_error;
  return items;
}

} // namespace tweetcheck::detail
