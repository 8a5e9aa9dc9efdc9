#pragma once
// Recognises permalinks of posts on the supported platforms (private).

#include <optional>
#include <string>
#include <string_view>

#include "tweetcheck/types.hpp"

namespace tweetcheck::detail {

struct PostUrl {
  Platform platform = Platform::twitter;
  std::string handle;             ///< may be empty (e.g. twitter.com/i/web/status/ID)
  std::string status_id;          ///< Twitter: numeric ID; others: the canonical permalink
  std::string url;                ///< the permalink as written, without query or fragment
  std::size_t begin = 0, end = 0; ///< where it stands in the searched string
};

/// The first post permalink found anywhere in `s` (hrefs may be wrapped in other text).
std::optional<PostUrl> find_post_url(std::string_view s);
/// Only Twitter/X status URLs.
std::optional<PostUrl> find_status_url(std::string_view s);
/// True when `s`, trimmed, is exactly one post permalink (query and fragment allowed).
std::optional<PostUrl> whole_status_url(std::string_view s);
/// The same for the URLs WordPress auto-embeds: Twitter/X statuses, Facebook and Instagram posts.
std::optional<PostUrl> whole_embed_url(std::string_view s);
std::optional<PostUrl> whole_url(std::string_view s, bool facebook_instagram);

} // namespace tweetcheck::detail
