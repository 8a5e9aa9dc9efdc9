// Dates as embeds show them (localised, many formats) and the time in a Snowflake ID.
#include <catch2/catch.hpp>

#include "tweetcheck/dates.hpp"

using namespace tweetcheck;

TEST_CASE("localised embed dates parse to ISO dates", "[dates]") {
  const std::pair<const char*, const char*> cases[] = {
      {"July 28, 2021", "2021-07-28"},
      {"January 20, 2019", "2019-01-20"},
      {"17. August 2018", "2018-08-17"},
      {"14. M\xC3\xA4rz 2018", "2018-03-14"},
      {"7 juin 2018", "2018-06-07"},
      {"4 ao\xC3\xBBt 2022", "2022-08-04"},
      {"17 de marzo de 2018", "2018-03-17"},
      {"13 maggio 2017", "2017-05-13"},
      {"17 de mar\xC3\xA7o de 2018", "2018-03-17"},
      {"28 \xD1\x81\xD0\xB5\xD0\xBD\xD1\x82\xD1\x8F\xD0\xB1\xD1\x80\xD1\x8F 2018", "2018-09-28"},
      {"16 \xD0\xBC\xD0\xB0\xD1\x8F 2018 \xD0\xB3.", "2018-05-16"},
      {"2019\xE5\xB9\xB4"
       "7\xE6\x9C\x88"
       "20\xE6\x97\xA5",
       "2019-07-20"},
      {"3\xE6\x9C\x88 16, 2012", "2012-03-16"},
      {"November 25, 2024 at 12:58 AM", "2024-11-25"},
      {"20 novembre 2024 \xC3\xA0 14:43", "2024-11-20"},
      {"Fri Sep 30 15:13:45 UTC+0000 2016", "2016-09-30"},
      {"Martes, 3 de marzo de 2020", "2020-03-03"},
      {"2026-03-30T11:31:19.000Z", "2026-03-30"},
  };
  for (const auto& [text, iso] : cases) {
    INFO(text);
    CHECK(parse_date_text(text) == std::optional<std::string>(iso));
  }
}

TEST_CASE("text that is not a date does not parse", "[dates]") {
  for (const char* text : {"", "Tweet may have been deleted", "originates", "February 30, 2020", "said he would come",
                           "13/07/2021", "1234567"}) {
    INFO(text);
    CHECK(!parse_date_text(text));
  }
}

TEST_CASE("Snowflake IDs carry their UTC time", "[dates]") {
  CHECK(snowflake_millis("1703436713362870723") == 1694965935446LL);
  CHECK(snowflake_date("938406524728291328") == std::optional<std::string>("2017-12-06"));
  CHECK(snowflake_date("1684218600456876032") == std::optional<std::string>("2023-07-26"));
  CHECK(!snowflake_millis("20")); // pre-Snowflake: sequential, no time
  CHECK(!snowflake_millis("29700859246"));
  CHECK(snowflake_millis("29700859247"));
  CHECK(!snowflake_millis("12a"));
  CHECK(!snowflake_millis("123456789012345678901"));
}
