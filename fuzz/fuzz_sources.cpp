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
  switch (data[0] % 8) {
  // Meta's oEmbed sources (their keys are permalinks).
  case 5:
    (void)sources::parse_meta_oembed(sources::SourceId::threads_oembed, r, "https://www.threads.net/@a/post/C1");
    break;
  case 6:
    (void)sources::parse_meta_oembed(sources::SourceId::instagram_oembed, r, "https://www.instagram.com/p/C1/");
    break;
  case 7:
    (void)sources::parse_meta_oembed(sources::SourceId::facebook_oembed, r, "https://www.facebook.com/a/posts/1", "a");
    break;
  case 0: (void)sources::parse_syndication(r, id); break;
  case 1: (void)sources::parse_oembed(r, id); break;
  case 2: (void)sources::parse_xapi(r, id); break;
  case 3: (void)sources::parse_cdx(r.body); break;
  default: (void)sources::parse_wayback_capture(r, id, r.url); break;
  }
  return 0;
}
