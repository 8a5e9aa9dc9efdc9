#pragma once
// Text comparison for the verifier (private).
#include <string>
#include <string_view>
#include <vector>

#include "tweetcheck/verify.hpp"

namespace tweetcheck {

struct TextComparison {
  bool equal = false;
  bool punctuation_differs = false; ///< equal but for punctuation around words
  std::vector<std::string> reasons; ///< truncated, text_added, number_changed, negation_changed, text_changed
  std::vector<DiffWord> diff;
};

/// NFC, entities decoded, quotes/dashes/ellipses unified, invisible marks dropped, spaces unified.
std::string normalise_for_compare(std::string_view text);
/// The original's text as its embed displays it: t.co URLs replaced by their display text.
std::string original_display_text(const std::string& text,
                                  const std::vector<std::pair<std::string, std::string>>& url_display);
TextComparison compare_texts(const std::string& article, const std::string& original);

} // namespace tweetcheck
