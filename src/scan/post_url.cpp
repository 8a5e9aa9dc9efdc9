// Permalinks of every platform (status, post, profile URLs) recognised and taken apart.
#include "scan/post_url.hpp"

#include <algorithm>

#include <re2/re2.h>

#include "core/text_util.hpp"

namespace tweetcheck::detail {

namespace {

// twitter.com, x.com and their mobile hosts; /status/ and the old /statuses/; handles may carry a
// Markdown escape ("ESA\_Rosetta"); /i/web/status/ID has no handle.
const RE2& twitter_re() {
  static const RE2 re(
      R"((?i)((?:https?:)?//(?:www\.|mobile\.|m\.)?(?:twitter|x)\.com/(?:#!/)?((?:[a-z0-9_]|\\_){1,30}|i/web|i)/status(?:es)?/([0-9]{1,20})))");
  return re;
}
const RE2& bluesky_re() {
  static const RE2 re(R"((?i)(https?://(?:www\.)?bsky\.app/profile/([a-z0-9.:_-]+)/post/([a-z0-9]+)))");
  return re;
}
const RE2& threads_re() {
  static const RE2 re(R"((?i)(https?://(?:www\.)?threads\.(?:net|com)/@([a-z0-9._]+)/post/([a-z0-9_-]+)))");
  return re;
}
const RE2& instagram_re() {
  static const RE2 re(
      R"((?i)(https?://(?:www\.)?instagr(?:am\.com|\.am)/(?:[a-z0-9_.]+/)?(?:p|reel|tv)/([a-z0-9_-]+)/?))");
  return re;
}
const RE2& facebook_re() {
  static const RE2 re(
      R"((?i)(https?://(?:[a-z0-9-]+\.)?facebook\.com/([a-z0-9.]+)/(?:posts|videos|photos)/[a-z0-9_./:-]+))");
  return re;
}
// Mastodon statuses: https://host/@user/ID (also /users/user/statuses/ID), optional /embed.
const RE2& mastodon_re() {
  static const RE2 re(
      R"((?i)(https?://([a-z0-9.-]+\.[a-z]{2,})/(?:@([a-z0-9_]+)|users/([a-z0-9_]+)/statuses)/([0-9]{6,20})))");
  return re;
}

std::size_t offset_in(std::string_view whole, re2::StringPiece part) {
  return static_cast<std::size_t>(part.data() - whole.data());
}

std::optional<PostUrl> try_twitter(std::string_view s) {
  re2::StringPiece input(s.data(), s.size()), all, handle, id;
  if (!RE2::PartialMatch(input, twitter_re(), &all, &handle, &id)) return std::nullopt;
  PostUrl u;
  u.platform = Platform::twitter;
  std::string h(handle.data(), handle.size());
  h.erase(std::remove(h.begin(), h.end(), '\\'), h.end());
  if (!iequals(h, "i") && !iequals(h, "i/web")) u.handle = h;
  u.status_id.assign(id.data(), id.size());
  u.url.assign(all.data(), all.size());
  u.url.erase(std::remove(u.url.begin(), u.url.end(), '\\'), u.url.end());
  if (starts_with_icase(u.url, "//")) u.url = "https:" + u.url;
  u.begin = offset_in(s, all);
  u.end = u.begin + all.size();
  return u;
}

/// A permalink matched by one platform's pattern: `all` is the whole match.
PostUrl make_url(std::string_view s, Platform platform, re2::StringPiece all, std::string handle) {
  PostUrl u;
  u.platform = platform;
  u.handle = std::move(handle);
  u.url.assign(all.data(), all.size());
  u.status_id = u.url;
  u.begin = offset_in(s, all);
  u.end = u.begin + all.size();
  return u;
}

std::optional<PostUrl> try_other(std::string_view s) {
  std::optional<PostUrl> best;
  auto consider = [&](PostUrl u) {
    if (!best || u.begin < best->begin) best = std::move(u);
  };
  const re2::StringPiece input(s.data(), s.size());
  re2::StringPiece all, handle, code;
  if (RE2::PartialMatch(input, bluesky_re(), &all, &handle, &code)) {
    consider(make_url(s, Platform::bluesky, all, std::string(handle.data(), handle.size())));
  }
  if (RE2::PartialMatch(input, threads_re(), &all, &handle, &code)) {
    consider(make_url(s, Platform::threads, all, std::string(handle.data(), handle.size())));
  }
  if (RE2::PartialMatch(input, instagram_re(), &all, &code)) {
    PostUrl u = make_url(s, Platform::instagram, all, {});
    if (u.url.back() != '/') u.url.push_back('/');
    u.status_id = u.url;
    consider(std::move(u));
  }
  if (RE2::PartialMatch(input, facebook_re(), &all, &handle)) {
    consider(make_url(s, Platform::facebook, all, std::string(handle.data(), handle.size())));
  }
  re2::StringPiece host, user1, user2, id;
  if (RE2::PartialMatch(input, mastodon_re(), &all, &host, &user1, &user2, &id)) {
    const std::string h = ascii_lower(std::string_view(host.data(), host.size()));
    // Not Mastodon: hosts of the other platforms that share the /@user/ID shape.
    const bool other = h.find("twitter.com") != std::string::npos || h.find("medium.com") != std::string::npos ||
                       h.find("tiktok.com") != std::string::npos || h == "x.com" ||
                       (h.size() > 6 && h.compare(h.size() - 6, 6, ".x.com") == 0);
    if (!other) {
      const auto user = user1.empty() ? user2 : user1;
      consider(make_url(s, Platform::mastodon, all,
                        std::string(user.data(), user.size()) + "@" + std::string(host.data(), host.size())));
    }
  }
  return best;
}

} // namespace

std::optional<PostUrl> find_status_url(std::string_view s) {
  if (s.find("status") == std::string_view::npos && s.find("STATUS") == std::string_view::npos) {
    return std::nullopt;
  }
  return try_twitter(s);
}

std::optional<PostUrl> find_post_url(std::string_view s) {
  auto tw = find_status_url(s);
  auto other = try_other(s);
  if (tw && other) return tw->begin <= other->begin ? tw : other;
  return tw ? tw : other;
}

std::optional<PostUrl> whole_status_url(std::string_view s) { return whole_url(s, false); }
std::optional<PostUrl> whole_embed_url(std::string_view s) { return whole_url(s, true); }

std::optional<PostUrl> whole_url(std::string_view s, bool facebook_instagram) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  auto u = find_status_url(s);
  if (!u && facebook_instagram) {
    u = try_other(s);
    if (u && u->platform != Platform::facebook && u->platform != Platform::instagram) u.reset();
  }
  if (!u || u->begin != 0) return std::nullopt;
  const std::string_view rest = s.substr(u->end);
  if (!rest.empty()) {
    // Only a trailing slash, /photo/1, /video/1, a query or a fragment may follow.
    const char c = rest.front();
    if (c != '?' && c != '#' && c != '/') return std::nullopt;
    for (char ch : rest) {
      if (ch == ' ' || ch == '\t' || ch == '<' || ch == '>' || ch == '"') return std::nullopt;
    }
  }
  return u;
}

} // namespace tweetcheck::detail
