// tweetcheck audit and merge: WARC, JSONL and feed inputs built from the corpus, a full audit
// against the test server, a run killed and resumed, a crash between write and commit, shards
// merged, summaries, and errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "support/run.hpp"
#include "tweetcheck/audit.hpp"
#include "support/temp_dir.hpp"

using nlohmann::json;
using tweetcheck::test::fixture_path;
using tweetcheck::test::read_file;
using tweetcheck::test::source_path;
using tweetcheck::test::TestServer;

namespace {

using tweetcheck::test::Run;

Run sh(const std::string& cmd) { return tweetcheck::test::shell("cd '" + source_path("") + "' && " + cmd); }
std::string bin() { return tweetcheck::test::binary(); }

struct TempDir : tweetcheck::test::TempDir {
  TempDir() : tweetcheck::test::TempDir("tweetcheck-audit") {}
};

std::string endpoints(const TestServer& s) { return tweetcheck::test::service_endpoints(s); }

std::vector<json> lines_of(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

/// What must not differ between two runs of the same audit (fetch times and cache hits may).
std::vector<std::string> comparable(const std::vector<json>& lines) {
  std::vector<std::string> out;
  for (json j : lines) {
    for (auto& e : j["evidence"]) {
      e.erase("fetched_at");
      e.erase("from_cache");
    }
    out.push_back(j.dump());
  }
  return out;
}

/// Three corpus pages (a post in one, two in another, none in the third).
const std::vector<std::string> k_pages{"corpus/postlight/www.vox.com.html", "corpus/trafilatura/fr.de.nordkorea.html",
                                       "corpus/readability/v8-blog__source.html"};

/// Writes a WARC of k_pages at `path` under `base`; gives the pages as command-line arguments.
std::string corpus_warc(const std::string& path, const std::string& base) {
  std::string files;
  for (const auto& p : k_pages) files += " '" + fixture_path(p) + "'";
  REQUIRE(sh("python3 tools/make_warc.py " + path + " --base " + base + files).status == 0);
  return files;
}

} // namespace

TEST_CASE("audit: WARC, WARC.gz, JSONL and feeds built from the corpus", "[audit]") {
  TempDir dir;
  const auto& pages = k_pages;
  const std::string files = corpus_warc(dir.path + "/a.warc", "https://news.example/");
  REQUIRE(sh("python3 tools/make_warc.py " + dir.path +
             "/b.warc.gz --base https://other.example/ --date 2020-05-03T10:00:00Z" + files)
              .status == 0);
  {
    std::ofstream jl(dir.path + "/articles.jsonl");
    for (const auto& p : pages) {
      jl << json{{"id", p},
                 {"url", "https://jsonl.example/" + p},
                 {"date", "2019-01-02"},
                 {"html", read_file(fixture_path(p))}}
                .dump()
         << "\n";
    }
    std::ofstream feed(dir.path + "/feed.rss");
    feed << "<?xml version=\"1.0\"?><rss version=\"2.0\" "
            "xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>"
         << "<item><title>Taliban</title><link>https://feed.example/taliban</link><guid>t1</guid><pubDate>Thu, 29 Jul "
            "2021 02:45:00 +0000</pubDate>"
         << "<content:encoded><![CDATA["
         << read_file(fixture_path("corpus/seed/zerohedge-taliban-china-2021-07-29.txt"))
         << "]]></content:encoded></item>"
         << "<item><title>Vox</title><link>https://feed.example/vox</link><guid>v1</guid><description>"
         << "&lt;blockquote class=&quot;twitter-tweet&quot;&gt;&lt;p&gt;Escaped&lt;/p&gt;&amp;mdash; Geert Wilders "
            "(@geertwilderspvv) "
         << "&lt;a href=&quot;https://twitter.com/geertwilderspvv/status/807147701339127808&quot;&gt;December 9, "
            "2016&lt;/a&gt;&lt;/blockquote&gt;"
         << "</description></item></channel></rss>\n";
  }
  const Run r = sh(bin() + " audit --scan-only --no-cache --output " + dir.path + "/out.jsonl " + dir.path +
                   "/a.warc " + dir.path + "/b.warc.gz " + dir.path + "/articles.jsonl " + dir.path + "/feed.rss 2>&1");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(dir.path + "/out.jsonl");
  // vox 1 + nordkorea 2 (+ v8 0) per copy: 3 each from a.warc, b.warc.gz and the JSONL; 3 + 1 from the feed.
  REQUIRE(lines.size() == 13);
  CHECK(lines[0]["status_id"] == "807147701339127808");
  CHECK(lines[0]["document"]["key"] == dir.path + "/a.warc#1"); // libarchive numbers the response records
  CHECK(lines[0]["document"]["date"] == "2021-07-29T00:00:00Z");
  CHECK(lines[3]["document"]["date"] == "2020-05-03T10:00:00Z");
  CHECK(lines[6]["document"]["url"] == "https://jsonl.example/corpus/postlight/www.vox.com.html");
  CHECK(lines[6]["document"]["site"] == "jsonl.example");
  CHECK(lines[9]["handle"] == "theserenadong");
  CHECK(lines[9]["document"]["url"] == "https://feed.example/taliban");
  CHECK(lines[12]["text"] == "Escaped");
  CHECK(lines[12]["document"]["key"] == dir.path + "/feed.rss#v1");
  for (std::size_t i = 1; i < lines.size(); ++i) CHECK(lines[i]["document"]["seq"] >= lines[i - 1]["document"]["seq"]);
  // The same inputs audited in full against the test server: every post gets a verdict.
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const Run full =
      sh(bin() + " audit --no-cache --output " + dir.path + "/full.jsonl" + endpoints(server) + " " + dir.path +
         "/a.warc " + dir.path + "/b.warc.gz " + dir.path + "/articles.jsonl " + dir.path + "/feed.rss 2>&1");
  REQUIRE(full.status == 0);
  const auto checked = lines_of(dir.path + "/full.jsonl");
  REQUIRE(checked.size() == 13);
  for (const auto& c : checked) CHECK(c.contains("verdict"));
  CHECK(checked[9]["verdict"] == "verified"); // Serena Dong's post, through its pic.twitter.com link
}

TEST_CASE("audit: a full audit checks each distinct post once and writes summaries", "[audit][e2e]") {
  TempDir dir;
  TestServer server({"--routes", fixture_path("http/verify.json")});
  // The same article three times: 3 x 29 posts, each distinct post fetched once.
  for (int i = 0; i < 3; ++i) {
    std::filesystem::copy_file(fixture_path("articles/check_verdicts.html"),
                               dir.path + "/copy" + std::to_string(i) + ".html");
  }
  const Run r = sh(bin() + " audit --no-cache --batch 1 --output " + dir.path + "/out.jsonl --summary-csv " + dir.path +
                   "/s.csv --summary-html " + dir.path + "/s.html" + endpoints(server) + " " + dir.path + " 2>&1");
  REQUIRE(r.status == 0);
  const auto lines = lines_of(dir.path + "/out.jsonl");
  REQUIRE(lines.size() == 87);
  const int requests_after_one_copy = [&] {
    TestServer fresh({"--routes", fixture_path("http/verify.json")});
    TempDir one;
    std::filesystem::copy_file(fixture_path("articles/check_verdicts.html"), one.path + "/a.html");
    sh(bin() + " audit --no-cache --output " + one.path + "/o.jsonl" + endpoints(fresh) + " " + one.path + " 2>&1");
    return fresh.stats()["total"].get<int>();
  }();
  CHECK(server.stats()["total"].get<int>() == requests_after_one_copy); // copies 2 and 3 asked nothing
  CHECK(lines[1]["verdict"] == "altered");
  CHECK(lines[1 + 29]["verdict"] == "altered");
  const std::string csv = read_file(dir.path + "/s.csv");
  CHECK(csv.rfind("site,year,posts,verified,altered,misattributed,missing,unverifiable,missing_share\r\n", 0) == 0);
  // Files carry no publication date: rows fall back to the posts' years. All 87 posts, site = the folder.
  std::size_t posts = 0, missing = 0;
  const std::string site = std::filesystem::path(dir.path).filename().string();
  std::istringstream rows(csv);
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) {
    std::vector<std::string> f;
    std::stringstream ss(row);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    REQUIRE(f.size() == 9);
    CHECK(f[0] == site);
    posts += std::stoul(f[2]);
    missing += std::stoul(f[6]);
  }
  CHECK(posts == 87);
  CHECK(missing == 21);
  const std::string html = read_file(dir.path + "/s.html");
  CHECK(html.find("<svg") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("audit: killed with SIGKILL and run again, every article is reported exactly once", "[audit][resume]") {
  TempDir dir;
  TestServer server({"--routes", fixture_path("http/verify.json"), "--delay-ms", "30"});
  for (int i = 0; i < 12; ++i) {
    // Distinct documents with distinct-looking keys; the posts repeat (as in a real archive).
    std::filesystem::copy_file(
        fixture_path(i % 2 ? "articles/check_verdicts.html" : "corpus/seed/zerohedge-taliban-china-2021-07-29.txt"),
        dir.path + "/doc" + std::to_string(100 + i) + (i % 2 ? ".html" : ".txt"));
  }
  const std::string common = " --batch 1 --no-cache" + endpoints(server) + " " + dir.path;
  REQUIRE(sh(bin() + " audit --output " + dir.path + "/reference.jsonl" + common + " 2>/dev/null").status == 0);
  // The same audit, killed as soon as its first batch is committed.
  const std::string out = dir.path + "/resumed.jsonl";
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string cmd = bin() + " audit --output " + out + common + " 2>/dev/null";
    execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), nullptr);
    _exit(127);
  }
  bool partial = false;
  for (int i = 0; i < 400 && !partial; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::error_code ec;
    partial = std::filesystem::exists(out, ec) && std::filesystem::file_size(out, ec) > 0;
  }
  kill(pid, SIGKILL);
  int st = 0;
  waitpid(pid, &st, 0);
  REQUIRE(partial);
  const auto before = lines_of(out).size();
  const auto reference = lines_of(dir.path + "/reference.jsonl");
  CHECK(before < reference.size()); // it really was stopped midway
  REQUIRE(sh(bin() + " audit --output " + out + common + " 2>/dev/null").status == 0);
  CHECK(comparable(lines_of(out)) == comparable(reference));
  // A further run finds everything done and adds nothing.
  REQUIRE(sh(bin() + " audit --output " + out + common + " 2>/dev/null").status == 0);
  CHECK(lines_of(out).size() == reference.size());
}

TEST_CASE("audit: lines written after the last commit (a crash before it) are dropped and redone", "[audit][resume]") {
  TempDir dir;
  std::filesystem::copy_file(fixture_path("corpus/postlight/www.vox.com.html"), dir.path + "/a.html");
  std::filesystem::copy_file(fixture_path("corpus/trafilatura/fr.de.nordkorea.html"), dir.path + "/b.html");
  const std::string out = dir.path + "/out.jsonl";
  const std::string cmd = bin() + " audit --scan-only --no-cache --batch 1 --output " + out + " " + dir.path +
                          "/a.html " + dir.path + "/b.html 2>&1";
  REQUIRE(sh(cmd).status == 0);
  const std::string complete = read_file(out);
  {
    std::ofstream f(out, std::ios::app);
    f << "{\"half-written\": ";
  }
  REQUIRE(sh(cmd).status == 0);
  CHECK(read_file(out) == complete);
  // A state that belongs to another audit is refused.
  const Run other = sh(bin() + " audit --scan-only --no-cache --output " + out + " " + dir.path + "/a.html 2>&1");
  CHECK(other.status == 2);
  CHECK(other.out.find("belongs to another audit") != std::string::npos);
}

TEST_CASE("audit: three shards merged equal the unsharded audit", "[audit][shard]") {
  TempDir dir;
  TestServer server({"--routes", fixture_path("http/verify.json")});
  const std::string inputs =
      " '" + fixture_path("corpus/trafilatura") + "' '" + fixture_path("articles/check_verdicts.html") + "'";
  const std::string common = " --no-cache" + endpoints(server) + inputs + " 2>/dev/null";
  REQUIRE(sh(bin() + " audit --output " + dir.path + "/all.jsonl" + common).status == 0);
  std::string shards;
  std::size_t sum = 0;
  for (int k = 1; k <= 3; ++k) {
    const std::string out = dir.path + "/shard" + std::to_string(k) + ".jsonl";
    REQUIRE(sh(bin() + " audit --shard " + std::to_string(k) + "/3 --output " + out + common).status == 0);
    sum += lines_of(out).size();
    shards += " " + out;
  }
  REQUIRE(sh(bin() + " merge --output " + dir.path + "/merged.jsonl --summary-csv " + dir.path + "/m.csv" + shards)
              .status == 0);
  const auto all = lines_of(dir.path + "/all.jsonl");
  CHECK(sum == all.size());
  CHECK(all.size() > 50);
  CHECK(comparable(lines_of(dir.path + "/merged.jsonl")) == comparable(all));
  CHECK(sh(bin() + " audit --shard 4/3 --output x" + inputs + " 2>&1").status == 2);
}

TEST_CASE("audit: a list of paths and article URLs; a URL that fails is reported and skipped", "[audit]") {
  TempDir dir;
  TestServer server({"--routes", fixture_path("http/verify.json")});
  {
    std::ofstream list(dir.path + "/list.txt");
    list << "# articles to audit\n"
         << fixture_path("corpus/postlight/www.vox.com.html") << "\n"
         << "https://news.example.test/2022/04/article.html\n"
         << "https://news.example.test/missing.html\n";
  }
  const Run r = sh(bin() + " audit --no-cache --list " + dir.path + "/list.txt --output " + dir.path + "/o.jsonl" +
                   endpoints(server) + " --endpoint news.example.test=" + server.base() + " 2>&1");
  CHECK(r.status == 0);
  CHECK(r.out.find("cannot fetch article 'https://news.example.test/missing.html'") != std::string::npos);
  const auto lines = lines_of(dir.path + "/o.jsonl");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0]["status_id"] == "807147701339127808");
  CHECK(lines[1]["document"]["url"] == "https://news.example.test/2022/04/article.html");
  CHECK(lines[1]["document"]["site"] == "news.example.test");
  CHECK(lines[1]["verdict"] == "verified");
}

TEST_CASE("audit: unreadable inputs fail naming the file", "[audit]") {
  TempDir dir;
  {
    std::ofstream f(dir.path + "/broken.warc.gz", std::ios::binary);
    f << "\x1f\x8b\x08\x00garbage that is not gzip at all";
  }
  const Run r = sh(bin() + " audit --scan-only --no-cache --output " + dir.path + "/o.jsonl " + dir.path +
                   "/broken.warc.gz 2>&1");
  CHECK(r.status == 2);
  CHECK(r.out.find("broken.warc.gz") != std::string::npos);
  {
    std::ofstream f(dir.path + "/bad.jsonl");
    f << "{\"html\": \"x\"}\nnot json\n";
  }
  const Run j =
      sh(bin() + " audit --scan-only --no-cache --output " + dir.path + "/o2.jsonl " + dir.path + "/bad.jsonl 2>&1");
  CHECK(j.status == 2);
  CHECK(j.out.find("bad.jsonl' line 2") != std::string::npos);
  CHECK(sh(bin() + " audit --scan-only --output " + dir.path + "/o3.jsonl /nonexistent 2>&1").status == 2);
}

TEST_CASE("audit: each article carries the bytes of the inputs read so far, up to input_bytes()", "[audit][progress]") {
  TempDir dir;
  const auto& pages = k_pages;
  const std::string files = corpus_warc(dir.path + "/a.warc", "https://news.example/");
  REQUIRE(sh("python3 tools/make_warc.py " + dir.path + "/b.warc.gz --base https://other.example/" + files).status ==
          0);
  {
    std::ofstream jl(dir.path + "/articles.jsonl");
    for (const auto& p : pages) jl << json{{"id", p}, {"html", read_file(fixture_path(p))}}.dump() << "\n";
  }
  std::filesystem::create_directory(dir.path + "/folder");
  std::filesystem::copy_file(fixture_path(pages[0]), dir.path + "/folder/one.html");
  std::filesystem::copy_file(fixture_path(pages[1]), dir.path + "/folder/two.html");
  const std::vector<std::string> inputs{dir.path + "/a.warc", dir.path + "/b.warc.gz", dir.path + "/articles.jsonl",
                                        dir.path + "/folder", "https://news.example/an-article-url"};
  const std::uint64_t size_a = std::filesystem::file_size(dir.path + "/a.warc");
  const std::uint64_t size_b = std::filesystem::file_size(dir.path + "/b.warc.gz");
  const std::uint64_t size_j = std::filesystem::file_size(dir.path + "/articles.jsonl");
  const std::uint64_t size_f =
      std::filesystem::file_size(dir.path + "/folder/one.html") + std::filesystem::file_size(dir.path + "/folder/two.html");
  const std::uint64_t total = tweetcheck::input_bytes(inputs, {});
  CHECK(total == size_a + size_b + size_j + size_f); // the URL counts nothing

  std::vector<std::pair<std::string, std::uint64_t>> seen; // key, bytes_read
  REQUIRE(tweetcheck::for_each_article(inputs, {}, [&](tweetcheck::ArchiveDoc&& d) {
    seen.emplace_back(d.key, d.bytes_read);
    return true;
  }));
  REQUIRE(seen.size() == 3 + 3 + 3 + 2 + 1);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    INFO(seen[i].first);
    CHECK(seen[i].second >= seen[i - 1].second);
    CHECK(seen[i].second <= total);
  }
  // Each input's articles lie within its own bytes: a.warc's in [0, a], b.warc.gz's (compressed
  // bytes, scaled from its decompressed position) in [a, a+b], and so on; the folder's last file
  // and the URL after it are at the very end.
  for (std::size_t i = 0; i < 3; ++i) CHECK(seen[i].second <= size_a);
  CHECK(seen[2].second > 0);
  for (std::size_t i = 3; i < 6; ++i) CHECK((seen[i].second >= size_a && seen[i].second <= size_a + size_b));
  CHECK(seen[5].second > size_a);
  for (std::size_t i = 6; i < 9; ++i) CHECK((seen[i].second > size_a + size_b && seen[i].second <= size_a + size_b + size_j));
  CHECK(seen[8].second == size_a + size_b + size_j); // the last line read to its end
  CHECK(seen[10].second == total);
  CHECK(seen[11].second == total);
}
