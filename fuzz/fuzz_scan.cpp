// Fuzz target: the scanner on any bytes, in each input format (the first byte chooses).
#include <cstddef>
#include <cstdint>
#include <string>

#include "tweetcheck/scan.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const tweetcheck::InputFormat k_formats[] = {tweetcheck::InputFormat::html, tweetcheck::InputFormat::text,
                                                      tweetcheck::InputFormat::markdown,
                                                      tweetcheck::InputFormat::auto_detect};
  tweetcheck::Document doc;
  doc.name = "fuzz";
  doc.format = k_formats[data[0] % 4];
  doc.content.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)tweetcheck::scan(doc);
  return 0;
}
