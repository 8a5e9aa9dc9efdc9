// Fuzz target: dates, entities and JSON reading on any text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json_util.hpp"
#include "tweetcheck/dates.hpp"
#include "tweetcheck/entities.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  (void)tweetcheck::parse_date_text(s);
  (void)tweetcheck::snowflake_date(s);
  (void)tweetcheck::extract_entities(s);
  (void)tweetcheck::extract_reply(s);
  const auto j = tweetcheck::detail::parse_json(s);
  if (!j.is_discarded()) {
    const nlohmann::json copy = j; // within the depth bound: copying and dumping are safe
    (void)copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return 0;
}
