// Accepted findings: the ignore file read and its rules applied to checked posts.
#include "tweetcheck/ignore.hpp"

#include <fstream>

#include "core/text_util.hpp"

namespace tweetcheck {

namespace {
bool is_date(std::string_view s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}
bool is_id(std::string_view s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
} // namespace

Result<std::vector<IgnoreRule>> load_ignore_file(const std::string& path, const std::string& today,
                                                 std::vector<std::string>* warnings) {
  std::ifstream in(path);
  if (!in) return fail(Errc::io, "cannot open ignore file '" + path + "'");
  std::vector<IgnoreRule> rules;
  std::string raw;
  unsigned n = 0;
  while (std::getline(in, raw)) {
    ++n;
    IgnoreRule r;
    r.line = n;
    std::string_view line = raw;
    if (const auto hash = line.find('#'); hash != std::string_view::npos) {
      r.comment = detail::trim_copy(line.substr(hash + 1));
      line = line.substr(0, hash);
    }
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
      if (j > i) words.emplace_back(line.substr(i, j - i));
      i = j;
    }
    if (words.empty()) continue;
    auto where = [&] { return "ignore file '" + path + "' line " + std::to_string(n) + ": "; };
    for (const std::string& w : words) {
      if (w.rfind("expires=", 0) == 0) {
        r.expires = w.substr(8);
        if (!is_date(r.expires))
          return fail(Errc::parse, where() + "expires wants YYYY-MM-DD, got '" + r.expires + "'");
      } else if (is_id(w) && r.status_id.empty()) {
        r.status_id = w;
      } else if (r.file.empty() && !is_id(w)) {
        r.file = w;
      } else {
        return fail(Errc::parse, where() + "expected [FILE] [STATUS_ID] [expires=YYYY-MM-DD] [# comment]");
      }
    }
    if (r.file.empty() && r.status_id.empty()) return fail(Errc::parse, where() + "names no file and no status ID");
    if (!r.expires.empty() && r.expires < today) {
      if (warnings) warnings->push_back(where() + "expired on " + r.expires + "; no longer applied");
      continue;
    }
    rules.push_back(std::move(r));
  }
  return rules;
}

void apply_ignores(std::vector<CheckedPost>& posts, const std::vector<IgnoreRule>& rules) {
  for (CheckedPost& c : posts) {
    const std::string& file = c.post.where.file;
    for (const IgnoreRule& r : rules) {
      const bool file_ok =
          r.file.empty() || file == r.file ||
          (file.size() > r.file.size() && file.compare(file.size() - r.file.size(), r.file.size(), r.file) == 0 &&
           file[file.size() - r.file.size() - 1] == '/');
      const bool id_ok = r.status_id.empty() || (c.post.status_id && *c.post.status_id == r.status_id);
      if (file_ok && id_ok) {
        c.ignored = true;
        c.ignore_note = r.comment;
        break;
      }
    }
  }
}

} // namespace tweetcheck
