// The one table of the verifier's sources: name, platform, how each is asked, its hosts, its
// request URL and its parser. The verifier's rounds, the redirect rule and --sources read it.
#include <algorithm>

#include "core/text_util.hpp"
#include "verify/sources.hpp"

namespace tweetcheck {

namespace sources {

namespace {

constexpr Source k_sources[] = {
    {SourceId::syndication,
     "syndication",
     Platform::twitter,
     Asking::per_id,
     {"cdn.syndication.twimg.com", {}},
     syndication_url,
     parse_syndication},
    {SourceId::oembed,
     "oembed",
     Platform::twitter,
     Asking::per_id,
     {"publish.twitter.com", "publish.x.com"},
     oembed_url,
     parse_oembed},
    {SourceId::wayback,
     "wayback",
     Platform::twitter,
     Asking::capture,
     {"web.archive.org", "archive.org"},
     nullptr,
     nullptr},
    {SourceId::x_api,
     "x-api",
     Platform::twitter,
     Asking::per_id,
     {"api.x.com", "api.twitter.com"},
     xapi_url,
     parse_xapi,
     NeedsToken::yes},
    {SourceId::archive, "archive", Platform::twitter, Asking::local, {}, nullptr, nullptr},
    // Bluesky: the public AppView, asked by its own round (source_bluesky.cpp).
    {SourceId::bluesky,
     "bluesky",
     Platform::bluesky,
     Asking::round,
     {"public.api.bsky.app", "api.bsky.app"},
     nullptr,
     nullptr,
     NeedsToken::no,
     bluesky_round},
    // Every instance is its own host: the one in the post's permalink.
    {SourceId::mastodon,
     "mastodon",
     Platform::mastodon,
     Asking::round,
     {},
     nullptr,
     nullptr,
     NeedsToken::no,
     mastodon_round,
     "/api/v1/statuses/"},
    // Meta's oEmbed endpoints (meta.cpp): asked with --meta-token only. Instagram and Facebook
    // share Graph API's host.
    {SourceId::threads_oembed,
     "threads-oembed",
     Platform::threads,
     Asking::round,
     {"graph.threads.net", "graph.threads.com"},
     nullptr,
     nullptr,
     NeedsToken::no,
     threads_oembed_round},
    {SourceId::instagram_oembed,
     "instagram-oembed",
     Platform::instagram,
     Asking::round,
     {"graph.facebook.com", {}},
     nullptr,
     nullptr,
     NeedsToken::no,
     instagram_oembed_round},
    {SourceId::facebook_oembed,
     "facebook-oembed",
     Platform::facebook,
     Asking::round,
     {"graph.facebook.com", {}},
     nullptr,
     nullptr,
     NeedsToken::no,
     facebook_oembed_round},
};

/// The order VerifyOptions::sources tries them in by default: the local archive, the live
/// sources from the cheapest, the Wayback Machine last.
constexpr SourceId k_default_order[] = {SourceId::archive, SourceId::syndication, SourceId::oembed, SourceId::x_api,
                                        SourceId::bluesky, SourceId::mastodon, SourceId::wayback,
                                        // Meta's oEmbed sources
                                        SourceId::threads_oembed, SourceId::instagram_oembed,
                                        SourceId::facebook_oembed};

constexpr bool rows_in_order() {
  for (std::size_t i = 0; i < std::size(k_sources); ++i) {
    if (static_cast<std::size_t>(k_sources[i].id) != i) return false;
    const bool per_id = k_sources[i].asking == Asking::per_id;
    if (per_id != (k_sources[i].request_url != nullptr) || per_id != (k_sources[i].parse != nullptr)) return false;
    if ((k_sources[i].asking == Asking::local) != (k_sources[i].hosts[0].empty() && k_sources[i].instance_path.empty()))
      return false;
    if ((k_sources[i].asking == Asking::round) != (k_sources[i].round != nullptr)) return false;
  }
  return true;
}
static_assert(rows_in_order(), "a row of the source table is out of its enum's order or incomplete");
static_assert(std::size(k_sources) == static_cast<std::size_t>(SourceId::facebook_oembed) + 1, "a source has no row");

} // namespace

std::span<const Source> source_table() { return k_sources; }

const Source& source(SourceId id) { return k_sources[static_cast<std::size_t>(id)]; }

const Source* find_source(std::string_view name) {
  const auto it =
      std::find_if(std::begin(k_sources), std::end(k_sources), [&](const Source& s) { return s.name == name; });
  return it == std::end(k_sources) ? nullptr : &*it;
}

std::optional<std::string> lookup_key(const Post& post) {
  if (post.status_id) return post.status_id;
  return post.status_url;
}

std::string name(SourceId id) { return std::string(source(id).name); }

std::string host(SourceId id) { return std::string(source(id).hosts[0]); }

bool serves(Platform platform) {
  return std::any_of(std::begin(k_sources), std::end(k_sources),
                     [&](const Source& s) { return s.platform == platform; });
}

std::string service_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  const std::size_t h = scheme + 3;
  std::size_t e = url.find_first_of("/?#", h);
  if (e == std::string::npos) e = url.size();
  std::string host = url.substr(h, e - h);
  if (const auto at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  host = detail::ascii_lower(host.substr(0, host.find(':')));
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty()) return {};
  for (const Source& s : k_sources) {
    if (std::find(s.hosts.begin(), s.hosts.end(), host) != s.hosts.end()) return std::string(s.name);
  }
  // A source whose host is the one asked (a Mastodon instance): the service is that host.
  const std::string_view path = std::string_view(url).substr(e);
  for (const Source& s : k_sources) {
    if (!s.instance_path.empty() && path.substr(0, s.instance_path.size()) == s.instance_path)
      return std::string(s.name) + " (" + host + ")";
  }
  return {};
}

} // namespace sources

std::vector<std::string> default_sources() {
  std::vector<std::string> out;
  for (sources::SourceId id : sources::k_default_order) out.push_back(sources::name(id));
  return out;
}

Result<void> check_source_name(std::string_view name) {
  if (sources::find_source(name)) return {};
  std::string names;
  for (const sources::Source& s : sources::k_sources) names += (names.empty() ? "" : ", ") + std::string(s.name);
  return fail(Errc::usage, "unknown source '" + std::string(name) + "' (the sources: " + names + ")");
}

} // namespace tweetcheck
