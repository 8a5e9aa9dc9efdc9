// The syndication endpoint's token: ((Number(id) / 1e15) * Math.PI).toString(36) with every
// '0' and '.' removed, as the embed code computes it. The base-36 conversion follows V8's
// DoubleToRadixCString, digit for digit, so the token equals what a browser sends.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tweetcheck/verify.hpp"

namespace tweetcheck {

namespace {

/// The exponent of `v` as V8's Double::Exponent(): v == significand * 2^exponent, with a 53-bit
/// integer significand.
int double_exponent(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  const int biased = static_cast<int>((bits >> 52) & 0x7FF);
  if (biased == 0) return -1074; // denormals
  return biased - 0x3FF - 52;
}

} // namespace

std::string js_number_to_string(double value, int radix) {
  static constexpr char k_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (radix < 2 || radix > 36) radix = 10;
  constexpr int k_size = 2200;
  char buffer[k_size];
  int integer_cursor = k_size / 2;
  int fraction_cursor = integer_cursor;
  const bool negative = value < 0;
  if (negative) value = -value;

  double integer = std::floor(value);
  double fraction = value - integer;
  // Fraction digits only up to the input's precision.
  double delta = 0.5 * (std::nextafter(value, INFINITY) - value);
  delta = std::max(std::nextafter(0.0, 1.0), delta);
  if (fraction >= delta) {
    buffer[fraction_cursor++] = '.';
    do {
      fraction *= radix;
      delta *= radix;
      const int digit = static_cast<int>(fraction);
      buffer[fraction_cursor++] = k_chars[digit];
      fraction -= digit;
      // Round to even.
      if (fraction > 0.5 || (fraction == 0.5 && (digit & 1))) {
        if (fraction + delta > 1) {
          // Back-trace written digits in case of a carry.
          for (;;) {
            fraction_cursor--;
            if (fraction_cursor == k_size / 2) {
              integer += 1; // carry into the integer part
              break;
            }
            const char c = buffer[fraction_cursor];
            const int d = c > '9' ? (c - 'a' + 10) : (c - '0');
            if (d + 1 < radix) {
              buffer[fraction_cursor++] = k_chars[d + 1];
              break;
            }
          }
          break;
        }
      }
    } while (fraction >= delta);
  }
  // Integer digits; digits below the double's precision are zeros.
  while (double_exponent(integer / radix) > 0) {
    integer /= radix;
    buffer[--integer_cursor] = '0';
  }
  do {
    const double remainder = std::fmod(integer, radix);
    buffer[--integer_cursor] = k_chars[static_cast<int>(remainder)];
    integer = (integer - remainder) / radix;
  } while (integer > 0);
  if (negative) buffer[--integer_cursor] = '-';
  return std::string(buffer + integer_cursor, static_cast<std::size_t>(fraction_cursor - integer_cursor));
}

std::string syndication_token(const std::string& status_id) {
  // Number(id): the nearest double to the decimal ID, as JavaScript parses it.
  const double id = std::strtod(status_id.c_str(), nullptr);
  std::string s = js_number_to_string((id / 1e15) * M_PI, 36);
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '0' || c == '.'; }), s.end());
  return s;
}

} // namespace tweetcheck
