#pragma once
/// Dates as embeds show them, and the time inside Snowflake IDs.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tweetcheck {

/// Parses a date as an embed shows it ("July 28, 2021", "17. August 2018", "7 juin 2018",
/// "17 de marzo de 2018", "28 сентября 2018 г.", "2019年7月20日", "3月 16, 2012",
/// "November 25, 2024 at 12:58 AM", "Fri Sep 30 15:13:45 UTC+0000 2016", ISO 8601, ...)
/// into ISO "YYYY-MM-DD". Month names: English, French, German, Spanish, Italian, Portuguese,
/// Dutch, Russian, Ukrainian, Polish, Turkish, Swedish/Norwegian/Danish; CJK numeric forms.
/// Returns nullopt when the text is not a date.
std::optional<std::string> parse_date_text(std::string_view text);

/// Milliseconds since the Unix epoch encoded in a Snowflake status ID, or nullopt for IDs
/// that are not numeric or predate Snowflake (below 29700859247: sequential, no time).
std::optional<std::int64_t> snowflake_millis(std::string_view status_id);

/// UTC date "YYYY-MM-DD" of a Snowflake status ID, or nullopt as for snowflake_millis().
std::optional<std::string> snowflake_date(std::string_view status_id);

} // namespace tweetcheck
