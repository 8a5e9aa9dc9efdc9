// Value names, groups, --help footers and usage errors (see usage.hpp).
#include "usage.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <numeric>
#include <vector>

namespace tweetcheck::cli {
namespace {

/// One row per option name, whichever command has it: its group in --help and its value's name
/// ("" keeps the one it has).
struct Described {
  std::string_view name, group, value;
};
constexpr std::array k_described{
    Described{"--color", "Output", "WHEN"},
    Described{"--verbose", "Output", ""},
    Described{"--quiet", "Output", ""},
    Described{"--format", "Output", "FORMAT"},
    Described{"--output", "Output", "FILE"},
    Described{"--output-format", "Output", "FORMAT=FILE"},
    Described{"--sarif-base", "Output", "DIR"},
    Described{"--fail-on", "Output", "VERDICTS"},
    Described{"--summary-csv", "Output", "FILE"},
    Described{"--summary-html", "Output", "FILE"},
    Described{"--state", "Output", "FILE"},
    Described{"--ignore-file", "Input", "FILE"},
    Described{"--input-format", "Input", "FORMAT"},
    Described{"--max-input-size", "Input", "MIB"},
    Described{"--include", "Input", "GLOB"},
    Described{"--exclude", "Input", "GLOB"},
    Described{"--text-field", "Input", "NAME"},
    Described{"--url-field", "Input", "NAME"},
    Described{"--id-field", "Input", "NAME"},
    Described{"--date-field", "Input", "NAME"},
    Described{"--list", "Input", "FILE"},
    Described{"--shard", "Input", "K/N"},
    Described{"--jobs", "Input", "N"},
    Described{"--batch", "Output", "N"},
    Described{"--endpoint", "Network", "HOST=URL"},
    Described{"--allow-private-network", "Network", ""},
    Described{"--concurrency", "Network", "N"},
    Described{"--host-concurrency", "Network", "N"},
    Described{"--rate", "Network", "N"},
    Described{"--timeout", "Network", "SECONDS"},
    Described{"--connect-timeout", "Network", "SECONDS"},
    Described{"--retries", "Network", "N"},
    Described{"--ca-file", "Network", "FILE"},
    Described{"--proxy", "Network", "URL"},
    Described{"--user-agent", "Network", "TEXT"},
    Described{"--max-hops", "Network", "N"},
    Described{"--config", "", "FILE"},
    Described{"--cache", "Cache", "FILE"},
    Described{"--no-cache", "Cache", ""},
    Described{"--offline", "Cache", ""},
    Described{"--max-cache-age", "Cache", ""},
    Described{"--sources", "Sources", "LIST"},
    Described{"--archive", "Sources", "FILE"},
    Described{"--meta-token", "Sources", "TOKEN"},
    Described{"--shard-by", "Input", "record|file"},
    Described{"--shard-count", "Input", "N"},
    Described{"--claim-timeout", "Cache", "SECONDS"},
    Described{"--coordinator", "Fleet", "URL"},
    Described{"--audit", "Fleet", "NAME"},
    Described{"--worker", "Fleet", ""},
    Described{"--lease", "Fleet", "SECONDS"},
    Described{"--listen", "Server", "HOST:PORT"},
    Described{"--token-file", "Server", "FILE"},
    Described{"--max-body", "Server", "MIB"},
    Described{"--request-timeout", "Server", "SECONDS"},
    Described{"--max-concurrent", "Server", "N"},
    Described{"--queue", "Server", "N"},
};

/// What every --help ends with: the exit statuses and the environment the program reads.
constexpr std::string_view k_exit_and_environment = R"(
Exit status:
  0   nothing to report (check: no post has a verdict named in --fail-on)
  1   check: a post has a verdict named in --fail-on
  2   the run could not do what was asked (usage, input, network, output)
  3   audit --worker: no unit is left, but some ended failed (see 'tweetcheck fleet status')
  143 audit --worker: stopped by SIGTERM or SIGINT, its unit given back to the queue

Environment:
  NO_COLOR                   set and not empty: no colour (--color always still colours)
  TERM                       "dumb": no colour, and the progress line is erased with spaces
  CI                         set: no progress line
  TWEETCHECK_X_BEARER_TOKEN  X API v2 bearer token for the x-api source (also X_BEARER_TOKEN)
  TWEETCHECK_META_TOKEN      Meta app access token (the default of --meta-token)
  TWEETCHECK_CONFIG          the config file to read (instead of the default path)
  TWEETCHECK_<SECTION>_<KEY> any config key, e.g. TWEETCHECK_HTTP_TIMEOUT (see 'tweetcheck config')
  XDG_CONFIG_HOME, HOME      where the config file is looked for
  XDG_CACHE_HOME, HOME       where the cache is kept
  TMPDIR                     temporary files (audit of .warc.gz)
  SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN, JOB_COMPLETION_INDEX,
  AWS_BATCH_JOB_ARRAY_INDEX  audit --shard auto: this task's shard (job arrays)
  SOURCE_DATE_EPOCH          the time written into reports (reproducible builds)
)";

/// Two examples per command ("" is the program itself).
struct Examples {
  std::string_view command, first, second;
};
constexpr std::array k_examples{
    Examples{"", "tweetcheck check article.html", "tweetcheck check --format sarif --output report.sarif content/"},
    Examples{"scan", "tweetcheck scan --format text article.html",
             "curl -s https://example.com/story | tweetcheck scan --input-format html -"},
    Examples{"resolve", "tweetcheck resolve https://t.co/DJ8Glv6ocX", "tweetcheck resolve --format text - < links.txt"},
    Examples{"check", "tweetcheck check --fail-on altered,misattributed content/",
             "tweetcheck check --format html --output report.html --output-format sarif=report.sarif content/"},
    Examples{"audit", "tweetcheck audit --output results.jsonl --summary-csv sites.csv crawl.warc.gz",
             "tweetcheck audit --output part2.jsonl --shard 2/4 --list urls.txt"},
    Examples{"merge", "tweetcheck merge --output all.jsonl part1.jsonl part2.jsonl",
             "tweetcheck merge --output all.jsonl --summary-html sites.html part*.jsonl"},
};

std::string footer(std::string_view command) {
  std::string out;
  if (!command.empty()) {
    out += "\nGlobal options, before or after the command: --color WHEN, --quiet, --verbose (see tweetcheck --help).\n";
  }
  out += k_exit_and_environment;
  for (const Examples& e : k_examples) {
    if (e.command != command) continue;
    out += "\nExamples:\n  ";
    out += e.first;
    out += "\n  ";
    out += e.second;
    out += "\n";
  }
  return out;
}

void describe(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    for (const Described& d : k_described) {
      const auto& names = opt->get_lnames();
      if (std::find(names.begin(), names.end(), d.name.substr(2)) == names.end()) continue;
      if (!d.group.empty()) opt->group(std::string(d.group));
      if (!d.value.empty()) opt->type_name(std::string(d.value));
    }
  }
}

bool is_help_or_version(std::string_view a) { return a == "-h" || a == "--help" || a == "--version"; }

/// The first word of argv that is not an option (nor --color's value); "" when none.
std::string first_word(int argc, const char* const* argv, bool& help_first) {
  help_first = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (is_help_or_version(a)) {
      help_first = true;
      return "";
    }
    if (a == "--color") {
      ++i;
      continue;
    }
    if (a == "--") return i + 1 < argc ? argv[i + 1] : "";
    if (!a.empty() && a[0] == '-') continue;
    return std::string(a);
  }
  return "";
}

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) out.push_back(sub->get_name());
  return out;
}

} // namespace

void describe_options(CLI::App& app) {
  describe(app);
  app.footer(footer(""));
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    describe(*sub);
    sub->footer(footer(sub->get_name()));
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  bool help_first = false;
  const std::string word = first_word(argc, argv, help_first);
  if (word.empty()) return std::nullopt;
  const std::vector<std::string> names = command_names(app);
  if (std::find(names.begin(), names.end(), word) != names.end()) return std::nullopt;
  // The nearest command, when it is near enough to be what was meant (a typo, not another word).
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const std::string& n : names) {
    const std::size_t d = edit_distance(word, n);
    if (d < best_d) best_d = d, best = n;
  }
  std::string msg = "unknown command '" + word + "'";
  if (best_d <= std::max<std::size_t>(2, best.size() / 3) && best_d < word.size()) {
    return msg + "; did you mean '" + best + "'?";
  }
  std::string all;
  for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
  return msg + "; the commands are " + all;
}

std::string given_command(const CLI::App& app, int argc, const char* const* argv) {
  bool help_first = false;
  const std::string word = first_word(argc, argv, help_first);
  const std::vector<std::string> names = command_names(app);
  return std::find(names.begin(), names.end(), word) != names.end() ? word : "";
}

std::string usage_message(const CLI::ParseError& e, const std::string& command) {
  std::string msg = e.what();
  if (dynamic_cast<const CLI::RequiredError*>(&e) && command.empty() && msg.find("ubcommand") != std::string::npos) {
    msg = "a command is required";
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  // The library's style: a lower-case start, unless it is an acronym ("URL …").
  if (msg.size() > 1 && std::isupper(static_cast<unsigned char>(msg[0])) &&
      !std::isupper(static_cast<unsigned char>(msg[1]))) {
    msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
  }
  return msg + " (see 'tweetcheck " + (command.empty() ? "" : command + " ") + "--help')";
}

} // namespace tweetcheck::cli
