// The colour and terminal decisions (see terminal.hpp).
#include "terminal.hpp"

#include <cstdlib>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

namespace tweetcheck::cli {
namespace {

bool env_set(const char* name, std::string_view* value = nullptr) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return false;
  if (value) *value = v;
  return true;
}

bool term_dumb() {
  std::string_view term;
  return env_set("TERM", &term) && term == "dumb";
}

} // namespace

ColorChoice parse_color_choice(std::string_view name) {
  return name == "always" ? ColorChoice::always : name == "never" ? ColorChoice::never : ColorChoice::automatic;
}

bool use_color(ColorChoice choice, int fd) {
  switch (choice) {
  case ColorChoice::always: return true;
  case ColorChoice::never: return false;
  case ColorChoice::automatic: break;
  }
  if (env_set("NO_COLOR") || term_dumb()) return false;
  return ::isatty(fd) != 0;
}

bool erases_lines(int fd) { return ::isatty(fd) != 0 && !term_dumb(); }

int terminal_columns(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

} // namespace tweetcheck::cli
