// The command line's manners: --color and NO_COLOR/TERM=dumb, the progress line on a terminal
// (a pseudo-terminal here), --help's groups, value names, exit statuses, environment and
// examples, and usage errors ("tweetcheck: error: …", the nearest command suggested).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <regex>
#include <set>
#include <string>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "support/fixtures.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tweetcheck::test::binary;
using tweetcheck::test::fixture_path;
using tweetcheck::test::Run;
using tweetcheck::test::shell;
using tweetcheck::test::TestServer;

namespace {

/// The environment every run here starts from: no CI, no NO_COLOR, an ordinary terminal type.
const std::string k_env = "env -u CI -u NO_COLOR -u COLUMNS TERM=xterm-256color ";

/// Runs `cmd` (a shell command line) with its standard output and error on a pseudo-terminal of
/// 120 columns in raw mode (the bytes exactly as written); gives what the terminal received.
Run on_pty(const std::string& cmd) {
  termios raw{};
  cfmakeraw(&raw);
  winsize ws{};
  ws.ws_row = 40;
  ws.ws_col = 120;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, &raw, &ws);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  Run r;
  char buf[4096];
  for (;;) {
    pollfd p{master, POLLIN, 0};
    const int ready = poll(&p, 1, 60000);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) { // stuck: stop it rather than hang the suite
      kill(pid, SIGKILL);
      break;
    }
    const ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; // EIO: the last writer closed the terminal
    r.out.append(buf, static_cast<std::size_t>(n));
  }
  close(master);
  int st = 0;
  waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

bool has_escape(const std::string& s) { return s.find('\033') != std::string::npos; }
/// Colour (SGR) escapes; a terminal also gets "\r\033[K" (erase the line) from the progress line.
bool has_color(const std::string& s) { return std::regex_search(s, std::regex("\033\\[[0-9;]*m")); }

/// The lines a terminal shows for `bytes`: "\r" returns to the line's start (later text
/// overwrites), "\033[K" erases to its end, "\n" ends it; colour escapes are dropped.
std::vector<std::string> screen_lines(const std::string& bytes) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t col = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c == '\033' && i + 1 < bytes.size() && bytes[i + 1] == '[') {
      std::size_t j = i + 2;
      while (j < bytes.size() && !std::isalpha(static_cast<unsigned char>(bytes[j]))) ++j;
      if (j < bytes.size() && bytes[j] == 'K') line.resize(std::min(line.size(), col));
      i = j;
    } else if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      lines.push_back(line);
      line.clear();
      col = 0;
    } else {
      if (col < line.size())
        line[col] = c;
      else
        line.push_back(c);
      ++col;
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

const std::string k_article = fixture_path("articles/check_no_status_id.txt");

/// An offline check of one article: a text report (a verdict in colour when coloured).
std::string offline_report_args() { return " check --format text --offline --no-cache '" + k_article + "'"; }
/// A run that logs an error (exit 2): a missing input.
std::string error_log_args() { return " check --format json --offline --no-cache /nonexistent/article.html"; }

} // namespace

TEST_CASE("colour: none on a pipe, --color always colours, never does not", "[cli][manners][color]") {
  // auto on a pipe: no escape in the report or the logs.
  const Run plain = shell(k_env + binary() + offline_report_args() + " 2>/dev/null");
  REQUIRE(plain.status == 0);
  CHECK(plain.out.find("unverifiable") != std::string::npos);
  CHECK_FALSE(has_escape(plain.out));
  const Run plain_log = shell(k_env + binary() + error_log_args() + " 2>&1 >/dev/null");
  CHECK(plain_log.status == 2);
  CHECK(plain_log.out.rfind("tweetcheck: error: ", 0) == 0);
  CHECK_FALSE(has_escape(plain_log.out));
  // always: escapes on a pipe, before or after the command, in the report and the logs.
  const Run always = shell(k_env + binary() + " --color always" + offline_report_args() + " 2>/dev/null");
  CHECK(always.status == 0);
  CHECK(always.out.find("\033[33munverifiable\033[0m") != std::string::npos);
  const Run always_log = shell(k_env + binary() + error_log_args() + " --color=always 2>&1 >/dev/null");
  CHECK(always_log.status == 2);
  CHECK(has_color(always_log.out));
  // always wins over NO_COLOR and TERM=dumb.
  const Run always_no_color =
      shell(k_env + "NO_COLOR=1 TERM=dumb " + binary() + offline_report_args() + " --color always 2>/dev/null");
  CHECK(always_no_color.out.find("\033[33munverifiable") != std::string::npos);
  // never: none even on a terminal.
  const Run never = on_pty(k_env + binary() + " --color never" + offline_report_args() + " 2>/dev/null");
  CHECK(never.out.find("unverifiable") != std::string::npos);
  CHECK_FALSE(has_escape(never.out));
  // A bad value is a usage error.
  const Run bad = shell(k_env + binary() + " --color sometimes" + offline_report_args() + " 2>&1");
  CHECK(bad.status == 2);
  CHECK(bad.out.rfind("tweetcheck: error: ", 0) == 0);
}

TEST_CASE("colour: auto on a terminal colours; NO_COLOR and TERM=dumb turn it off", "[cli][manners][color]") {
  const Run tty = on_pty(k_env + binary() + offline_report_args() + " 2>/dev/null");
  CHECK(tty.status == 0);
  CHECK(tty.out.find("\033[33munverifiable\033[0m") != std::string::npos);
  const Run tty_log = on_pty(k_env + binary() + error_log_args() + " >/dev/null");
  CHECK(tty_log.status == 2);
  CHECK(has_color(tty_log.out));
  // An empty NO_COLOR is as if unset (no-color.org).
  const Run empty = on_pty(k_env + "NO_COLOR= " + binary() + offline_report_args() + " 2>/dev/null");
  CHECK(has_color(empty.out));
  for (const std::string env : {"NO_COLOR=1 ", "TERM=dumb "}) {
    INFO(env);
    const Run report = on_pty(k_env + env + binary() + offline_report_args() + " 2>/dev/null");
    CHECK(report.status == 0);
    CHECK(report.out.find("unverifiable") != std::string::npos);
    CHECK_FALSE(has_escape(report.out));
    const Run log = on_pty(k_env + env + binary() + error_log_args() + " >/dev/null");
    CHECK(log.status == 2);
    CHECK(log.out.find("tweetcheck: error: ") == 0);
    CHECK_FALSE(has_color(log.out));
    // TERM=dumb: no escape at all (the progress line is erased with spaces).
    if (env == "TERM=dumb ") CHECK_FALSE(has_escape(log.out));
  }
}

TEST_CASE("progress: the line is erased before the report and never shares a line with it",
          "[cli][manners][progress][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string article = fixture_path("articles/check_verdicts.html");
  const std::string args =
      " check --format text --no-cache" + tweetcheck::test::service_endpoints(server) + " '" + article + "'";
  const Run r = on_pty(k_env + binary() + args);
  CHECK(r.status == 1); // the article has altered posts
  // The progress line was drawn: the posts found, then the stages with done/total and a rate.
  const std::size_t drawn = r.out.find("tweetcheck: \033[36mcheck\033[0m 29 posts found");
  CHECK(drawn != std::string::npos);
  CHECK(std::regex_search(
      r.out, std::regex("tweetcheck: \033\\[36msyndication\033\\[0m (\\d+)/\\1, \\d+/s \\(29 posts in all\\)")));
  // The report's first byte comes after the last drawing, and the line was erased between them.
  const std::size_t report = r.out.find(article + ":");
  REQUIRE(report != std::string::npos);
  const std::size_t last_draw = r.out.rfind("tweetcheck: \033[36m", report);
  REQUIRE(last_draw != std::string::npos);
  const std::size_t erased = r.out.rfind("\r\033[K", report);
  CHECK(erased != std::string::npos);
  CHECK(erased > last_draw);
  CHECK(r.out.find("tweetcheck: \033[36m", report) == std::string::npos); // nothing drawn after it
  // On the screen: every line that begins "tweetcheck: " is a log line, none a progress line, and
  // the report's lines begin with the article or its indented fields.
  const auto lines = screen_lines(r.out);
  std::size_t report_lines = 0;
  for (const std::string& line : lines) {
    INFO(line);
    if (line.rfind("tweetcheck: ", 0) == 0) {
      CHECK(std::regex_search(line, std::regex("^tweetcheck: (warning|error|info|debug|critical): ")));
    }
    CHECK(line.find("posts found") == std::string::npos);
    CHECK(line.find(" posts in all") == std::string::npos);
    if (line.rfind(article + ":", 0) == 0) ++report_lines;
  }
  CHECK(report_lines == 29);
}

TEST_CASE("progress: streamed JSONL lines and log lines go above the progress line", "[cli][manners][progress][e2e]") {
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string args = " check --format jsonl --no-cache" + tweetcheck::test::service_endpoints(server) + " '" +
                           fixture_path("articles/check_verdicts.html") + "' /nonexistent/article.html";
  const Run r = on_pty(k_env + binary() + args);
  CHECK(r.status == 2); // the missing input
  const auto lines = screen_lines(r.out);
  std::size_t json_lines = 0, errors = 0;
  for (const std::string& line : lines) {
    INFO(line);
    const bool json = !line.empty() && line.front() == '{' && line.back() == '}';
    const bool log = std::regex_search(line, std::regex("^tweetcheck: (warning|error|info): "));
    CHECK((json || log));
    json_lines += json;
    errors += log && line.find("/nonexistent/article.html") != std::string::npos;
  }
  CHECK(json_lines == 29);
  CHECK(errors == 1);
}

TEST_CASE("help: every command shows groups, value names, exit statuses, environment and two examples",
          "[cli][manners][help]") {
  for (const std::string cmd : {"", "scan", "resolve", "check", "audit", "merge"}) {
    INFO("tweetcheck " << cmd << " --help");
    const Run r = shell(binary() + " " + cmd + " --help");
    REQUIRE(r.status == 0);
    CHECK(r.out.find("\nExit status:\n  0 ") != std::string::npos);
    CHECK(r.out.find("\n  2   the run could not do what was asked") != std::string::npos);
    CHECK(r.out.find("\nEnvironment:\n") != std::string::npos);
    const std::size_t examples = r.out.find("\nExamples:\n");
    REQUIRE(examples != std::string::npos);
    // Two examples, each a command line of this command.
    const std::string prog = "tweetcheck " + (cmd.empty() ? std::string() : cmd + " ");
    std::size_t n = 0;
    for (std::size_t at = r.out.find("\n  ", examples + 1); at != std::string::npos; at = r.out.find("\n  ", at + 1)) {
      const std::string line = r.out.substr(at + 3, r.out.find('\n', at + 1) - at - 3);
      if (line.find(prog) != std::string::npos) ++n;
    }
    CHECK(n == 2);
    if (!cmd.empty()) CHECK(r.out.find("--color WHEN") != std::string::npos);
  }
  const Run top = shell(binary() + " --help");
  CHECK(top.out.find("\nOutput:\n") != std::string::npos);
  CHECK(top.out.find("--color WHEN:{auto,always,never}=auto") != std::string::npos);
  const Run check = shell(binary() + " check --help");
  for (const char* group : {"\nOutput:\n", "\nInput:\n", "\nNetwork:\n", "\nCache:\n", "\nSources:\n"}) {
    INFO(group);
    CHECK(check.out.find(group) != std::string::npos);
  }
  // The groups hold their options: --timeout under Network, --cache under Cache, …
  const auto group_of = [&](const std::string& text, const std::string& option) {
    const std::size_t at = text.find("  " + option + " ");
    const std::size_t heading = text.rfind(":\n", at);
    return text.substr(text.rfind('\n', heading - 1) + 1, heading - text.rfind('\n', heading - 1) - 1);
  };
  CHECK(group_of(check.out, "--timeout") == "Network");
  CHECK(group_of(check.out, "--no-cache") == "Cache");
  CHECK(group_of(check.out, "--sources") == "Sources");
  CHECK(group_of(check.out, "--output") == "Output");
  for (const char* value : {"--output FILE", "--endpoint HOST=URL ...", "--timeout SECONDS", "--retries N",
                            "--output-format FORMAT=FILE ...", "--max-input-size MIB"}) {
    INFO(value);
    CHECK(check.out.find(std::string("  ") + value) != std::string::npos);
  }
  const Run audit = shell(binary() + " audit --help");
  CHECK(audit.out.find("  -j,--jobs N") != std::string::npos);
  CHECK(audit.out.find("  --shard K/N") != std::string::npos);
  CHECK(group_of(audit.out, "--summary-csv") == "Output");
}

TEST_CASE("help: every environment variable the program reads is documented", "[cli][manners][help]") {
  const Run help = shell(binary() + " --help");
  std::set<std::string> vars;
  const std::regex getenv_call("getenv\\(\"([A-Z_]+)\"\\)");
  for (const auto& e : std::filesystem::recursive_directory_iterator(tweetcheck::test::source_path("src"))) {
    if (!e.is_regular_file()) continue;
    const std::string text = tweetcheck::test::read_file(e.path().string());
    for (std::sregex_iterator it(text.begin(), text.end(), getenv_call), end; it != end; ++it) vars.insert((*it)[1]);
    // Names looped over: for (const char* var : {"A", "B"}) … getenv(var).
    const std::regex listed("for \\(const char\\* var : \\{([^}]*)\\}");
    for (std::sregex_iterator it(text.begin(), text.end(), listed), end; it != end; ++it) {
      const std::string names = (*it)[1];
      const std::regex quoted("\"([A-Z_]+)\"");
      for (std::sregex_iterator q(names.begin(), names.end(), quoted); q != end; ++q) vars.insert((*q)[1]);
    }
  }
  CHECK(vars.size() >= 8);
  const std::string env = help.out.substr(help.out.find("\nEnvironment:\n"));
  for (const std::string& v : vars) {
    INFO(v);
    CHECK(std::regex_search(env, std::regex("\\b" + v + "\\b")));
  }
  for (const char* v : {"NO_COLOR", "TERM"}) CHECK(env.find(v) != std::string::npos);
}

TEST_CASE("usage errors: an unknown command suggests the nearest; every usage error says tweetcheck: error:",
          "[cli][manners][usage]") {
  const auto run = [](const std::string& args) { return shell(binary() + " " + args + " 2>&1 </dev/null"); };
  const Run chek = run("chek");
  CHECK(chek.status == 2);
  CHECK(chek.out.rfind("tweetcheck: error: unknown command 'chek'; did you mean 'check'?", 0) == 0);
  CHECK(
      run("-q --color never adit x").out.rfind("tweetcheck: error: unknown command 'adit'; did you mean 'audit'?", 0) ==
      0);
  CHECK(run("scna x").out.find("did you mean 'scan'?") != std::string::npos);
  const Run far = run("frobnicate");
  CHECK(far.status == 2);
  CHECK(far.out.rfind("tweetcheck: error: unknown command 'frobnicate'; the commands are scan, resolve, check, audit, "
                      "merge",
                      0) == 0);
  for (const std::string args : {"", "check", "check --retries many x", "check --no-such-option x",
                                 "scan --format yaml x", "audit x", "--color sometimes scan x", "merge --output"}) {
    INFO(args);
    const Run r = run(args);
    CHECK(r.status == 2);
    CHECK(r.out.rfind("tweetcheck: error: ", 0) == 0);
    CHECK(r.out.find("--help") != std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  }
  CHECK(run("").out.rfind("tweetcheck: error: a command is required", 0) == 0);
  CHECK(run("check --retries many x").out.find("(see 'tweetcheck check --help')") != std::string::npos);
  // --help and --version still succeed, also with a command that does not exist after them.
  CHECK(run("--help").status == 0);
  CHECK(run("check --help").status == 0);
  CHECK(run("--version").status == 0);
  CHECK(run("--help chek").status == 0);
}

TEST_CASE("completions: --color's values and the grouped options still complete", "[cli][manners][install]") {
  const auto complete = [](const std::string& line) {
    const std::string script = std::string("source '") + TWEETCHECK_BASH_COMPLETION + "'; COMP_WORDS=(" + line +
                               "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _tweetcheck; echo \"${COMPREPLY[*]}\"";
    std::string q;
    for (char c : script) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    const Run r = shell("bash -c '" + q + "'");
    REQUIRE(r.status == 0);
    return r.out.substr(0, r.out.find('\n'));
  };
  CHECK(complete("tweetcheck --color al") == "always");
  CHECK(complete("tweetcheck --col") == "--color");
  CHECK(complete("tweetcheck check --connect-t") == "--connect-timeout");
  CHECK(complete("tweetcheck check --input-format ma") == "markdown");
  CHECK(complete("tweetcheck audit --summary-h") == "--summary-html");
}

TEST_CASE("progress: audit over files shows the bytes read of the total, the rate and an ETA",
          "[cli][manners][progress]") {
  const tweetcheck::test::TempDir dir("tweetcheck-manners");
  std::string files;
  for (const char* p : {"corpus/postlight/www.vox.com.html", "corpus/trafilatura/fr.de.nordkorea.html",
                        "articles/check_verdicts.html"}) {
    files += std::string(" '") + fixture_path(p) + "'";
  }
  std::string inputs;
  std::uint64_t total = 0;
  for (const char* name : {"a.warc", "b.warc", "c.warc"}) {
    REQUIRE(shell("python3 '" + tweetcheck::test::source_path("tools/make_warc.py") + "' " + dir.at(name) +
                  " --base https://news.example/" + files)
                .status == 0);
    inputs += " " + dir.at(name);
    total += std::filesystem::file_size(dir.at(name));
  }
  // Each document's posts take a while to verify, so that the line is drawn several times.
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "60"});
  const Run r = on_pty(k_env + binary() + " audit --no-cache --batch 1 --output " + dir.at("out.jsonl") +
                       tweetcheck::test::service_endpoints(server) + inputs);
  REQUIRE(r.status == 0);
  INFO(r.out);
  // "audit 290.0 KiB of 869.1 KiB (33%), 1.2 MiB/s, ETA 0:01; 3 documents, …", the share never
  // going back; the line is erased at the end (no screen line keeps it).
  char whole[32];
  std::snprintf(whole, sizeof whole, "%.1f KiB", static_cast<double>(total) / 1024);
  const std::regex drawn("\033\\[36maudit\033\\[0m [0-9.]+ (KiB|bytes) of " + std::string(whole) +
                         " \\(([0-9]+)%\\), [0-9.]+ ([KMG]iB|bytes)/s(, ETA [0-9:]+)?; [0-9]+ documents");
  int draws = 0, last = -1, with_eta = 0;
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), drawn); it != std::sregex_iterator(); ++it) {
    const int share = std::stoi((*it)[2]);
    CHECK(share >= last);
    last = share;
    ++draws;
    with_eta += (*it)[4].matched;
  }
  CHECK(draws >= 2);
  CHECK(with_eta >= 1);
  CHECK(last > 0);
  for (const auto& line : screen_lines(r.out)) CHECK(line.find(" of " + std::string(whole)) == std::string::npos);
}
