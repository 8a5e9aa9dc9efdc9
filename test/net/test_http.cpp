// Pure pieces of the HTTP layer: address classes and endpoint mapping.
#include <catch2/catch.hpp>

#include "tweetcheck/http.hpp"

using namespace tweetcheck;

TEST_CASE("private, loopback, link-local, multicast and unspecified addresses are recognised", "[http]") {
  for (const char* ip : {"127.0.0.1",
                         "127.9.9.9",
                         "10.1.2.3",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "100.64.0.1",
                         "0.0.0.0",
                         "224.0.0.1",
                         "255.255.255.255",
                         "::1",
                         "::",
                         "fe80::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "ff02::1",
                         "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1",
                         "not an address"}) {
    INFO(ip);
    CHECK(is_private_address(ip));
  }
  for (const char* ip : {"104.244.42.1", "8.8.8.8", "172.32.0.1", "192.169.0.1", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    INFO(ip);
    CHECK(!is_private_address(ip));
  }
}

TEST_CASE("endpoint mapping keeps path and query and only maps listed hosts", "[http]") {
  const std::map<std::string, std::string> eps{{"t.co", "http://127.0.0.1:8080/"},
                                               {"cdn.syndication.twimg.com", "http://127.0.0.1:9090/synd"}};
  bool mapped = false;
  CHECK(map_endpoint(eps, "https://t.co/abc?amp=1", &mapped) == "http://127.0.0.1:8080/abc?amp=1");
  CHECK(mapped);
  CHECK(map_endpoint(eps, "https://T.CO/abc") == "http://127.0.0.1:8080/abc");
  CHECK(map_endpoint(eps, "https://cdn.syndication.twimg.com/tweet-result?id=1&token=a") ==
        "http://127.0.0.1:9090/synd/tweet-result?id=1&token=a");
  CHECK(map_endpoint(eps, "https://t.co") == "http://127.0.0.1:8080/");
  CHECK(map_endpoint(eps, "https://bit.ly/x", &mapped) == "https://bit.ly/x");
  CHECK(!mapped);
  CHECK(map_endpoint(eps, "https://t.co.evil.example/x") == "https://t.co.evil.example/x");
}
