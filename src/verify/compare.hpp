#pragma once
// Comparing what an article shows with the original post (private).
//
// Both sides are cut into tokens the same way: words at white space, every grapheme of a script
// written without spaces (Chinese, Japanese, Thai, …) and every emoji on its own, and links as one
// token each. A link's identity comes from the original's own structure (its entities, or the
// anchors of the embed a source returned): the same link counts as the same token whether it is
// shown as t.co, pic.twitter.com/CODE, pic.x.com/CODE, its display URL (with or without "…"), or its
// expanded URL, and the media link may be left out. Each token keeps its side's spelling; equality
// is decided on a normalised key.
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/types.hpp"
#include "tweetcheck/verify.hpp"

namespace tweetcheck {

struct TextComparison {
  bool equal = false;
  bool punctuation_differs = false; ///< equal but for punctuation around or between words
  bool head_only = false; ///< the original is known only in part (a long post's head) and the article shows it
  bool excerpt = false;   ///< the article shows a contiguous part of the original (quotes in prose)
  /// truncated, text_added, text_removed, number_changed, negation_changed, text_changed
  std::vector<std::string> reasons;
  std::vector<DiffWord> diff;
};

/// Whether the article may show only a contiguous part of the original (a quote in prose).
enum class ExcerptPolicy { whole_post, excerpt_allowed };

/// The normalised form of a text: NFC, quotes/dashes/ellipses unified, invisible marks and emoji
/// variation selectors dropped, white space as single spaces. No entity decoding: both sides
/// reach it decoded exactly once (the scanner decodes the article, the sources the original).
std::string normalise_for_compare(std::string_view text);

/// Decodes the HTML entities sources leave in post text (&amp; &lt; &gt; &quot; &#39; &#NNN; &#xHH;).
std::string decode_html_entities(std::string_view s);

/// Sets each link's kind from what the source tells (a pic.twitter.com display, an
/// i/web/status continuation of the post itself) and fills `display_text`.
void finish_original(OriginalPost& o);

/// The article's text (and its anchors) against the original as it displays.
TextComparison compare_post_text(std::string_view article_text, const std::vector<Link>& article_links,
                                 const OriginalPost& original, ExcerptPolicy policy = ExcerptPolicy::whole_post);

/// Two plain texts with no link information (tests, archive captures).
TextComparison compare_texts(const std::string& article, const std::string& original);

} // namespace tweetcheck
