#pragma once
// One decision for every escape the command line writes: colour (--color, NO_COLOR, TERM=dumb)
// and whether a line may be redrawn in place.

#include <string_view>

namespace tweetcheck::cli {

/// --color's value.
enum class ColorChoice { automatic, always, never };

/// "auto" → automatic, "always" → always, "never" → never (the option's check allows only these).
ColorChoice parse_color_choice(std::string_view name);

/// Whether colour escapes go to `fd`. The precedence, first match wins:
///   1. --color always: colour (even with NO_COLOR or TERM=dumb, as ripgrep does);
///   2. --color never: none;
///   3. NO_COLOR set and not empty (no-color.org): none;
///   4. TERM=dumb: none;
///   5. colour when `fd` is a terminal.
bool use_color(ColorChoice choice, int fd);

/// Whether `fd` is a terminal that understands "\r\033[K" (erase the line): not TERM=dumb.
bool erases_lines(int fd);

/// The width of the terminal on `fd` in columns; 80 when it cannot be had.
int terminal_columns(int fd);

} // namespace tweetcheck::cli
