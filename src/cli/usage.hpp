#pragma once
// How the command line presents itself: value names and groups of every option (one table for
// every command), the --help footers (exit statuses, environment, examples), and usage errors
// ("tweetcheck: error: …", the nearest command suggested for an unknown one).

#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace tweetcheck::cli {

/// Gives the options of `app` and of its commands their value names (FILE, N, SECONDS, HOST=URL, …)
/// and groups (Output, Input, Network, Cache, Sources), and each --help its footer.
void describe_options(CLI::App& app);

/// The command named on the command line when it is not one of app's: "unknown command 'chek';
/// did you mean 'check'?". nullopt when the command is known, or none is given, or help or the
/// version is asked for first.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv);

/// The command (one of app's) named on the command line; "" when none.
std::string given_command(const CLI::App& app, int argc, const char* const* argv);

/// CLI11's message for a usage error as one line in the library's style (lower-case start), with
/// where to read more: "… (see 'tweetcheck check --help')".
std::string usage_message(const CLI::ParseError& e, const std::string& command);

/// Levenshtein distance (insertions, deletions, substitutions) of two ASCII words.
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace tweetcheck::cli
