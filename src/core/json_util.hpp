#pragma once
// Bounded JSON reading (private to the library): every JSON text from outside (source answers,
// archives, audit inputs, cache entries) is parsed through here.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tweetcheck::detail {

/// The deepest nesting of arrays and objects accepted. Real answers nest about 10 deep; a
/// deeper text is refused before it is parsed, so that copying, reading or dumping a value can
/// never exhaust the stack.
inline constexpr std::size_t k_max_json_depth = 64;

/// True when no array or object in `text` nests deeper than `max_depth` (strings are skipped,
/// escapes included; the text need not be valid JSON).
inline bool json_depth_within(std::string_view text, std::size_t max_depth = k_max_json_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

enum class JsonRead { ok, malformed, too_deep };

/// Parses `text` without exceptions: a discarded value when it is not JSON or nests deeper than
/// k_max_json_depth (`why` then says which). `J`: nlohmann::ordered_json keeps the members' order.
template <class J = nlohmann::json>
inline J parse_json(std::string_view text, JsonRead* why = nullptr) {
  if (!json_depth_within(text)) {
    if (why) *why = JsonRead::too_deep;
    return J(J::value_t::discarded);
  }
  J j = J::parse(text, nullptr, false);
  if (why) *why = j.is_discarded() ? JsonRead::malformed : JsonRead::ok;
  return j;
}

/// The string member `key` of an object; "" when `j` is no object or the member is absent or not
/// a string (source answers are read field by field this way, never trusting their types).
inline std::string string_field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace tweetcheck::detail
