// What installing tweetcheck relies on: `--version`, the shell completions, the Debian build
// dependencies kept equal to tools/install-deps.sh, and action.yml against the action schema.
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

#include "support/fixtures.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using tweetcheck::test::binary;
using tweetcheck::test::shell;
using tweetcheck::test::source_path;

namespace {

/// Lines of `text`, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

} // namespace

TEST_CASE("--version prints the build's version and the libraries' versions it runs with", "[cli][install]") {
  const auto r = shell(binary() + " --version");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 5);
  // The first line: `git describe` of the checkout when built from one (a commit of this
  // repository, "+" when the tree had changes), else the project version.
  REQUIRE(lines[0].rfind("tweetcheck ", 0) == 0);
  std::string described = lines[0].substr(11);
  const bool checkout = shell("cd '" + source_path("") + "' && test -e .git").status == 0;
  if (!checkout) {
    CHECK(described == TWEETCHECK_PROJECT_VERSION);
  } else {
    if (!described.empty() && described.back() == '+') described.pop_back();
    const std::size_t g = described.rfind("-g");
    const std::string commit = g == std::string::npos ? described : described.substr(g + 2);
    INFO("version " << described << ", commit " << commit);
    REQUIRE(commit.size() >= 7);
    CHECK(commit.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(shell("cd '" + source_path("") + "' && git cat-file -e '" + commit + "^{commit}'").status == 0);
  }
  // The run-time versions, asked of the same libraries by the test.
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  CHECK(lines[1].rfind(std::string("libcurl ") + curl->version + " (", 0) == 0);
  CHECK(lines[2] == std::string("Gumbo ") + TWEETCHECK_GUMBO_VERSION + " (at build time)");
  CHECK(lines[3] == std::string("SQLite ") + sqlite3_libversion());
  CHECK(lines[4] == std::string("OpenSSL ") + OpenSSL_version(OPENSSL_VERSION_STRING));
}

namespace {

/// What the bash completion offers for the words `line` (the last one being completed).
std::string bash_complete(const std::string& line) {
  const std::string script = std::string("source '") + TWEETCHECK_BASH_COMPLETION + "'; COMP_WORDS=(" + line +
                             "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _tweetcheck; echo \"${COMPREPLY[*]}\"";
  const auto r = shell("bash -c '" + [&] {
    std::string q;
    for (char c : script) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q;
  }() + "'");
  REQUIRE(r.status == 0);
  return r.out.substr(0, r.out.find('\n'));
}

} // namespace

TEST_CASE("the bash completion completes commands and options from --help", "[cli][install]") {
  CHECK(bash_complete("tweetcheck ch") == "check");
  CHECK(bash_complete("tweetcheck sc") == "scan");
  // Every command --help lists, and only those, for an empty word.
  const auto help = shell(binary() + " --help");
  std::string all = bash_complete("tweetcheck ''");
  for (const char* cmd : {"scan", "resolve", "check", "audit", "merge"}) {
    INFO(cmd);
    CHECK(help.out.find(std::string("  ") + cmd) != std::string::npos);
    CHECK((" " + all + " ").find(std::string(" ") + cmd + " ") != std::string::npos);
  }
  // A command's options after it, not another command's.
  const std::string check_opts = bash_complete("tweetcheck check --fail");
  CHECK(check_opts == "--fail-on");
  CHECK(bash_complete("tweetcheck scan --fail") == "");
}

TEST_CASE("debian/control's Build-Depends and tools/install-deps.sh's build packages are the same list", "[install]") {
  const std::string tool = "python3 '" + source_path("tools/check-build-deps.py") + "'";
  const auto same = shell(tool + " 2>&1");
  INFO(same.out);
  CHECK(same.status == 0);
  // A package added to one list only is found.
  tweetcheck::test::TempDir dir;
  const std::string control = tweetcheck::test::read_file(source_path("debian/control"));
  const std::string extra = dir.file("control", [&] {
    std::string c = control;
    c.replace(c.find("meson,"), 6, "meson,\n zlib1g-dev,");
    return c;
  }());
  const auto differ = shell(tool + " '" + extra + "' '" + source_path("tools/install-deps.sh") + "' 2>&1");
  CHECK(differ.status == 1);
  CHECK(differ.out.find("only in debian/control:  zlib1g-dev") != std::string::npos);
}

TEST_CASE("every public header is installed and includes only public headers", "[install]") {
  const std::string build = tweetcheck::test::read_file(source_path("src/meson.build"));
  for (const auto& e : std::filesystem::directory_iterator(source_path("include/tweetcheck"))) {
    const std::string name = e.path().filename().string();
    INFO(name);
    CHECK(build.find("'../include/tweetcheck/" + name + "'") != std::string::npos);
    const std::string text = tweetcheck::test::read_file(e.path().string());
    std::size_t at = 0;
    while ((at = text.find("#include \"", at)) != std::string::npos) {
      const std::string inc = text.substr(at + 10, text.find('"', at + 10) - at - 10);
      INFO(inc);
      CHECK(inc.rfind("tweetcheck/", 0) == 0);
      CHECK(std::filesystem::exists(source_path("include/" + inc)));
      at += 10;
    }
  }
}

TEST_CASE("action.yml is valid against the action metadata schema", "[install]") {
  const std::string tool = "python3 '" + source_path("tools/validate_action.py") + "'";
  const auto valid = shell(tool + " 2>&1");
  INFO(valid.out);
  CHECK(valid.status == 0);
  // The schema does hold: a step without `shell` (required in a composite action's run step) and a
  // key the metadata syntax does not have are both refused.
  tweetcheck::test::TempDir dir;
  std::string text = tweetcheck::test::read_file(source_path("action.yml"));
  const std::string shell_line = "      shell: bash\n";
  REQUIRE(text.find(shell_line) != std::string::npos);
  text.erase(text.find(shell_line), shell_line.size());
  const auto no_shell = shell(tool + " '" + dir.file("no-shell.yml", text) + "' 2>&1");
  CHECK(no_shell.status == 1);
  const std::string original = tweetcheck::test::read_file(source_path("action.yml"));
  const auto extra = shell(tool + " '" + dir.file("extra.yml", original + "colour: blue\n") + "' 2>&1");
  CHECK(extra.status == 1);
  CHECK(extra.out.find("colour") != std::string::npos);
}
