#pragma once
// The claim protocol of a shared cache, for any stage that fetches keyed items (private): split the
// misses into those this process fetches and those another process is fetching, then take the
// others' answers. One process of a fleet asks for each key; the others wait for its answer.
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tweetcheck/cache.hpp"

namespace tweetcheck::detail {

/// Keeps in `items` those this process fetches now (claim()); returns those fetched elsewhere.
template <class T, class KeyOf>
std::vector<T> split_claimed(Cache& cache, std::vector<T>& items, KeyOf key_of) {
  if (items.empty()) return {};
  std::vector<std::string> keys;
  keys.reserve(items.size());
  for (const T& item : items) keys.push_back(key_of(item));
  const auto mine_list = cache.claim(keys);
  const std::set<std::string> mine(mine_list.begin(), mine_list.end());
  std::vector<T> now, elsewhere;
  for (T& item : items) (mine.count(key_of(item)) ? now : elsewhere).push_back(std::move(item));
  items = std::move(now);
  return elsewhere;
}

/// Waits for the answers to `elsewhere` (await()); `take(item, value)` uses an answer and says
/// whether it could. Returns the items left unanswered (their claim ended without an answer, or
/// the answer was unreadable): the caller asks for them itself.
template <class T, class KeyOf, class Take>
std::vector<T> take_answers(Cache& cache, std::vector<T> elsewhere, KeyOf key_of, Take take) {
  if (elsewhere.empty()) return {};
  std::vector<std::string> keys;
  keys.reserve(elsewhere.size());
  for (const T& item : elsewhere) keys.push_back(key_of(item));
  const auto answers = cache.await(keys);
  std::vector<T> unanswered;
  for (T& item : elsewhere) {
    auto it = answers.find(key_of(item));
    if (it == answers.end() || !take(item, it->second)) unanswered.push_back(std::move(item));
  }
  return unanswered;
}

} // namespace tweetcheck::detail
