// Markdown: what is never rendered is masked, then raw HTML, shortcodes and flattened posts
// are scanned like any other text.
#include <algorithm>
#include <cctype>

#include <re2/re2.h>

#include "scan/post_url.hpp"
#include "scan/scan_internal.hpp"

namespace tweetcheck::detail {

namespace {

void blank(std::string& s, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to && i < s.size(); ++i) {
    if (s[i] != '\n') s[i] = ' ';
  }
}

std::size_t indent_of(std::string_view line) {
  std::size_t w = 0;
  for (char c : line) {
    if (c == ' ')
      ++w;
    else if (c == '\t')
      w += 4 - (w % 4);
    else
      break;
  }
  return w;
}

void mask_code_spans(std::string& s, std::size_t from, std::size_t to) {
  std::size_t i = from;
  while (i < to) {
    if (s[i] != '`') {
      ++i;
      continue;
    }
    std::size_t run = 0;
    while (i + run < to && s[i + run] == '`') ++run;
    // Find a closing run of the same length on this line.
    std::size_t j = i + run;
    bool closed = false;
    while (j < to) {
      if (s[j] == '`') {
        std::size_t r = 0;
        while (j + r < to && s[j + r] == '`') ++r;
        if (r == run) {
          blank(s, i, j + r);
          i = j + r;
          closed = true;
          break;
        }
        j += r;
      } else {
        ++j;
      }
    }
    if (!closed) i += run;
  }
}

} // namespace

std::string mask_markdown(std::string_view text) {
  std::string s(text);
  std::size_t pos = 0;
  // Front matter (YAML "---" or TOML "+++").
  for (std::string_view fence : {std::string_view("---"), std::string_view("+++")}) {
    std::string opening(fence);
    opening.push_back('\n');
    std::string closing(1, '\n');
    closing.append(fence);
    if (s.compare(0, opening.size(), opening) == 0 ||
        (s.compare(0, fence.size(), fence) == 0 && s.compare(fence.size(), 2, "\r\n") == 0)) {
      const std::size_t close = s.find(closing, fence.size());
      if (close != std::string::npos) {
        std::size_t end = s.find('\n', close + 1);
        end = end == std::string::npos ? s.size() : end;
        blank(s, 0, end);
        pos = end;
      }
    }
  }
  char fence_char = 0;
  std::size_t fence_len = 0;
  bool in_html = false;
  bool prev_blank = true;
  bool in_indented = false;
  while (pos < s.size()) {
    std::size_t nl = s.find('\n', pos);
    if (nl == std::string::npos) nl = s.size();
    std::string_view line(s.data() + pos, nl - pos);
    const bool is_blank = trim(line).empty();
    const std::size_t ind = indent_of(line);
    const std::string_view body = trim(line);
    if (fence_char) {
      std::size_t run = 0;
      while (run < body.size() && body[run] == fence_char) ++run;
      if (ind < 4 && run >= fence_len && trim(body.substr(run)).empty()) fence_char = 0;
      blank(s, pos, nl);
    } else if (ind < 4 && (body.rfind("```", 0) == 0 || body.rfind("~~~", 0) == 0)) {
      fence_char = body[0];
      fence_len = 0;
      while (fence_len < body.size() && body[fence_len] == fence_char) ++fence_len;
      blank(s, pos, nl);
      in_html = false;
    } else if (in_html) {
      if (is_blank)
        in_html = false;
      else
        mask_code_spans(s, pos, nl);
    } else if (!is_blank && ind >= 4 && (prev_blank || in_indented)) {
      in_indented = true;
      blank(s, pos, nl);
    } else {
      if (!is_blank) in_indented = false;
      if (ind < 4 && body.size() > 1 && body[0] == '<' &&
          (std::isalpha(static_cast<unsigned char>(body[1])) || body[1] == '/' || body[1] == '!')) {
        in_html = true;
      } else {
        mask_code_spans(s, pos, nl);
      }
    }
    prev_blank = is_blank;
    pos = nl + 1;
  }
  // HTML comments.
  for (std::size_t c = s.find("<!--"); c != std::string::npos; c = s.find("<!--", c)) {
    const std::size_t e = s.find("-->", c + 4);
    const std::size_t end = e == std::string::npos ? s.size() : e + 3;
    blank(s, c, end);
    c = end;
  }
  return s;
}

namespace {

struct Shortcode {
  std::string_view name;
  std::string_view args;
  std::size_t offset;
};

/// "key=value" or key="value" in shortcode arguments.
std::string arg_value(std::string_view args, std::string_view key) {
  for (std::size_t p = args.find(key); p != std::string_view::npos; p = args.find(key, p + 1)) {
    if (p > 0 && !(args[p - 1] == ' ' || args[p - 1] == '\t')) continue;
    std::size_t e = p + key.size();
    while (e < args.size() && args[e] == ' ') ++e;
    if (e >= args.size() || args[e] != '=') continue;
    ++e;
    while (e < args.size() && args[e] == ' ') ++e;
    if (e < args.size() && (args[e] == '"' || args[e] == '\'')) {
      const char q = args[e];
      const std::size_t close = args.find(q, e + 1);
      if (close != std::string_view::npos) return std::string(args.substr(e + 1, close - e - 1));
    }
    std::size_t f = e;
    while (f < args.size() && args[f] != ' ' && args[f] != '\t') ++f;
    return std::string(args.substr(e, f - e));
  }
  return {};
}

std::vector<std::string> positional(std::string_view args) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ' ' || args[i] == '\t')) ++i;
    if (i >= args.size()) break;
    std::size_t j = i;
    if (args[i] == '"' || args[i] == '\'') {
      const auto close = args.find(args[i], i + 1);
      j = close == std::string_view::npos ? args.size() : close + 1;
      if (args.substr(i, j - i).find('=') == std::string_view::npos) out.emplace_back(args.substr(i + 1, j - i - 2));
    } else {
      while (j < args.size() && args[j] != ' ' && args[j] != '\t') ++j;
      const auto tok = args.substr(i, j - i);
      if (tok.find('=') == std::string_view::npos) out.emplace_back(tok);
    }
    i = j;
  }
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

void scan_shortcodes(const ScanContext& ctx, std::string_view text, std::vector<Post>& posts) {
  if (text.find("{{") == std::string_view::npos && text.find("{%") == std::string_view::npos &&
      text.find("[embed") == std::string_view::npos && text.find("[tweet") == std::string_view::npos &&
      text.find("[twitter") == std::string_view::npos) {
    return;
  }
  // Hugo {{< name args >}} / {{% name args %}}; Liquid {% name args %}; WordPress [embed]URL[/embed],
  // [tweet …], [twitter …].
  static const RE2 hugo(
      R"(\{\{[<%]-?\s*(tweet|twitter|twitter_simple|x|instagram|mastodon|bluesky|threads)\s+([^{}]*?)\s*/?-?[>%]\}\})");
  static const RE2 liquid(R"(\{%-?\s*(twitter|tweet|twitternocache|oembed)\s+([^{}%]*?)\s*-?%\})");
  static const RE2 wp_embed(R"(\[embed[^\]]*\]\s*([^\[\s]+)\s*\[/embed\])");
  static const RE2 wp_tweet(R"(\[(tweet|twitter)\s+([^\]]*)\])");
  std::vector<Shortcode> found;
  auto collect = [&](const RE2& re, bool named) {
    re2::StringPiece input(text.data(), text.size()), args;
    while (true) {
      re2::StringPiece name;
      bool ok = named ? RE2::FindAndConsume(&input, re, &name, &args) : RE2::FindAndConsume(&input, re, &args);
      if (!ok) break;
      // The match starts where the name or argument group's line opened it: search back to the brace.
      const char* group = named ? name.data() : args.data();
      std::size_t off = static_cast<std::size_t>(group - text.data());
      while (off > 0 && text[off] != '{' && text[off] != '[') --off;
      if (text[off] == '{' && off > 0 && text[off - 1] == '{') --off;
      found.push_back({named ? std::string_view(name.data(), name.size()) : std::string_view("embed"),
                       std::string_view(args.data(), args.size()), off});
    }
  };
  collect(hugo, true);
  collect(liquid, true);
  collect(wp_embed, false);
  collect(wp_tweet, true);
  for (const Shortcode& sc : found) {
    Post post;
    post.form = EmbedForm::shortcode;
    if (auto u = find_post_url(sc.args)) {
      post = post_from_url(*u, EmbedForm::shortcode);
    } else if (sc.name == "instagram") {
      const auto pos = positional(sc.args);
      const std::string id = arg_value(sc.args, "id");
      const std::string code = !id.empty() ? id : (pos.empty() ? std::string() : pos.front());
      if (code.empty()) continue;
      post.platform = Platform::instagram;
      post.status_url = "https://www.instagram.com/p/" + code + "/";
      post.status_id = post.status_url;
    } else if (sc.name == "tweet" || sc.name == "twitter" || sc.name == "x" || sc.name == "twitter_simple" ||
               sc.name == "twitternocache") {
      std::string id = arg_value(sc.args, "id");
      std::string user = arg_value(sc.args, "user");
      if (user.empty()) user = arg_value(sc.args, "username");
      const auto pos = positional(sc.args);
      for (const auto& p : pos) {
        if (id.empty() && all_digits(p))
          id = p;
        else if (user.empty() && !all_digits(p) && p != "oembed")
          user = p;
      }
      if (!all_digits(id)) continue;
      post.platform = Platform::twitter;
      post.status_id = id;
      if (!user.empty()) {
        post.handle = user;
        post.status_url = "https://twitter.com/" + user + "/status/" + id;
      }
    } else {
      continue;
    }
    finish_post(ctx, sc.offset, post);
    posts.push_back(std::move(post));
  }
  // Hexo/Octopress {% blockquote AUTHOR STATUS-URL %}…{% endblockquote %}: a quotation tied to one
  // post by the status URL it cites (form quote).
  static const RE2 quote_tag(R"(\{%-?\s*blockquote\s+([^%]*?)\s*-?%\}((?s:.*?))\{%-?\s*endblockquote\s*-?%\})");
  re2::StringPiece input(text.data(), text.size()), args, body;
  while (RE2::FindAndConsume(&input, quote_tag, &args, &body)) {
    auto u = find_status_url(std::string_view(args.data(), args.size()));
    if (!u) continue;
    const std::string words = collapse_space(trim(std::string_view(body.data(), body.size())));
    if (words.empty()) continue;
    Post post = post_from_url(*u, EmbedForm::quote);
    post.text = words;
    std::size_t off = static_cast<std::size_t>(args.data() - text.data());
    while (off > 0 && text[off] != '{') --off;
    finish_post(ctx, off, post);
    posts.push_back(std::move(post));
  }
}

} // namespace tweetcheck::detail
