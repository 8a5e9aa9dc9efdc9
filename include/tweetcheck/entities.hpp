#pragma once
/// Entity extraction from post text (mentions, hashtags, cashtags, URLs), following the
/// twitter-text rules and passing its conformance suite.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tweetcheck {

/// One entity found in a text. `start`/`end` are offsets in Unicode code points;
/// `start16`/`end16` the same in UTF-16 code units (the unit the Twitter APIs use).
struct Entity {
  enum class Kind { mention, hashtag, cashtag, url };
  Kind kind = Kind::url;
  std::string value;     ///< screen name, hashtag, cashtag (without sign) or URL as written
  std::string list_slug; ///< for "@user/list" mentions, "/list"; empty otherwise
  std::size_t start = 0, end = 0;
  std::size_t start16 = 0, end16 = 0;
};

std::vector<Entity> extract_mentions(std::string_view text);          ///< mentions only, no lists
std::vector<Entity> extract_mentions_or_lists(std::string_view text); ///< mentions and @user/list
std::vector<Entity> extract_hashtags(std::string_view text);
std::vector<Entity> extract_cashtags(std::string_view text);
std::vector<Entity> extract_urls(std::string_view text);
/// The screen name a text replies to ("@user ..." at its very start), or empty.
std::string extract_reply(std::string_view text);
/// All entities, overlaps removed (URLs win over hashtags inside them), sorted by position.
std::vector<Entity> extract_entities(std::string_view text);

} // namespace tweetcheck
