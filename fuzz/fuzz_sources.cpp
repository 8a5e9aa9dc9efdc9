// Fuzz target: every source parser on any answer body (the first byte chooses the parser).
#include <cstddef>
#include <cstdint>
#include <string>

#include "verify/sources.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using namespace tweetcheck;
  HttpResponse r;
  r.status = 200;
  r.url = "https://web.archive.org/web/2022id_/https://twitter.com/a/status/1503385460536246272";
  r.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string id = "1503385460536246272";
  switch (data[0] % 5) {
  case 0: (void)sources::parse_syndication(r, id); break;
  case 1: (void)sources::parse_oembed(r, id); break;
  case 2: (void)sources::parse_xapi(r, id); break;
  case 3: (void)sources::parse_cdx(r.body); break;
  default: (void)sources::parse_wayback_capture(r, id, r.url); break;
  }
  return 0;
}
