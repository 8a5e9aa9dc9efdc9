#!/usr/bin/env python3
"""Writes the end-to-end fixtures of the sources' network behaviour (redirects, short links,
tombstones), next to the verifier's own (make_verify_fixtures.py):

  fixtures/http/services.json            routes for tools/fake_server.py
  fixtures/articles/check_services.html  oEmbed posts whose service redirects (followed, refused,
                                         looping, too many hops)
  fixtures/articles/check_wayback_redirect.html  a deleted post whose Wayback capture redirects
  fixtures/articles/check_tombstones.html one post per tombstone wording X uses
  fixtures/articles/check_x_api_redirect.html  a post the X API answers after a 301
  fixtures/articles/check_http_tco.txt   flattened posts whose only link is http://t.co/… or
                                         http://pic.twitter.com/…
  and t.co routes whose Locations are relative references (dot segments, a query, fragments).

Real material, with provenance:
  * RECORDED below: responses other projects recorded from the services (oEmbed answers, the
    publish.twitter.com -> publish.x.com 301, a syndication tombstone), byte for byte; the
    article embeds of check_services.html are the blockquotes those oEmbed answers carry.
  * The vmstan posts: embed code of github:vmstan/vmstan.github.io
    _posts/2014-07-03-july-2014-on-twitter.md at 00453a41dfbfefb88a4faaccf1a6c7aa22c4648b
    (fixtures/corpus/vmstan-jekyll/2014-07-03-july-2014-on-twitter__00453a4.md).
  * Tombstone wordings: as X shows them, collected from public code that matches them
    (github:playfulpachyderm/offline-twitter-engine pkg/scraper/api_types.go at
    850662c3cb50d41410d98fc47ecd61d033fc4fc8 lists the "Tweet" and "Post" wordings; the
    account-withheld and copyright-withheld wordings and the age-restricted one are as other public
    scrapers and filters quote them).
Every status ID is a real Snowflake for the date shown. Run it again after changing a case; the
outputs are committed.
"""
import json
import os
import urllib.parse

ROOT = os.path.join(os.path.dirname(__file__), "..")
ROUTES = {}

RECORDED = json.loads(r'''{
 "syn-emusks-tombstone-deleted": {
  "source": {
   "repo": "tiagozip/emusks",
   "path": "docs/src/more/syndication.md",
   "commit": "0dbd3459edeb37bc950fbe4de18d12343e7ea1ac",
   "committed": "2026-02-16",
   "tier": "capture",
   "note": "\"If a tweet is deleted or the account suspended, it'll show up as a TweetTombstone\" (no ID given: served for an ID of our choosing)"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json"
  },
  "body": "{\"__typename\": \"TweetTombstone\", \"tombstone\": {\"text\": {\"text\": \"This Post was deleted by the Post author. Learn more\", \"entities\": [{\"from_index\": 42, \"to_index\": 52, \"ref\": {\"__typename\": \"TimelineUrl\", \"url\": \"https://help.twitter.com/rules-and-policies/notices-on-twitter\", \"url_type\": \"ExternalUrl\"}}], \"rtl\": false}}}"
 },
 "oe-interior": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "(see note)",
   "commit": null,
   "committed": null,
   "tier": "capture",
   "note": "getTweet tests: NASA_TWEET constant"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json; charset=utf-8"
  },
  "body": "{\"url\":\"https:\\/\\/twitter.com\\/Interior\\/status\\/463440424141459456\",\"author_name\":\"US Department of the Interior\",\"author_url\":\"https:\\/\\/twitter.com\\/Interior\",\"html\":\"\\u003Cblockquote class=\\\"twitter-tweet\\\"\\u003E\\u003Cp lang=\\\"en\\\" dir=\\\"ltr\\\"\\u003ESunsets don&#39;t get much better than this one over \\u003Ca href=\\\"https:\\/\\/twitter.com\\/GrandTetonNPS?ref_src=twsrc%5Etfw\\\"\\u003E@GrandTetonNPS\\u003C\\/a\\u003E. \\u003Ca href=\\\"https:\\/\\/twitter.com\\/hashtag\\/nature?src=hash&amp;ref_src=twsrc%5Etfw\\\"\\u003E#nature\\u003C\\/a\\u003E \\u003Ca href=\\\"https:\\/\\/twitter.com\\/hashtag\\/sunset?src=hash&amp;ref_src=twsrc%5Etfw\\\"\\u003E#sunset\\u003C\\/a\\u003E \\u003Ca href=\\\"http:\\/\\/t.co\\/YuKy2rcjyU\\\"\\u003Epic.twitter.com\\/YuKy2rcjyU\\u003C\\/a\\u003E\\u003C\\/p\\u003E&mdash; US Department of the Interior (@Interior) \\u003Ca href=\\\"https:\\/\\/twitter.com\\/Interior\\/status\\/463440424141459456?ref_src=twsrc%5Etfw\\\"\\u003EMay 5, 2014\\u003C\\/a\\u003E\\u003C\\/blockquote\\u003E\\n\\u003Cscript async src=\\\"https:\\/\\/platform.twitter.com\\/widgets.js\\\" charset=\\\"utf-8\\\"\\u003E\\u003C\\/script\\u003E\\n\",\"width\":550,\"height\":null,\"type\":\"rich\",\"cache_age\":\"3153600000\",\"provider_name\":\"Twitter\",\"provider_url\":\"https:\\/\\/twitter.com\",\"version\":\"1.0\"}\n"
 },
 "oe-trump": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "(see note)",
   "commit": null,
   "committed": null,
   "tier": "capture",
   "note": "Go test TestProcessing input"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json; charset=utf-8"
  },
  "body": "{\"url\":\"https:\\/\\/twitter.com\\/realDonaldTrump\\/status\\/905958330815926276\",\"author_name\":\"Donald J. Trump\",\"author_url\":\"https:\\/\\/twitter.com\\/realDonaldTrump\",\"html\":\"\\u003Cblockquote class=\\\"twitter-tweet\\\"\\u003E\\u003Cp lang=\\\"en\\\" dir=\\\"ltr\\\"\\u003EI encourage EVERYONE in the path of \\u003Ca href=\\\"https:\\/\\/twitter.com\\/hashtag\\/HurricaneIrma?src=hash\\\"\\u003E#HurricaneIrma\\u003C\\/a\\u003E to heed the advice and orders of local &amp; state officials! \\u003Ca href=\\\"https:\\/\\/t.co\\/AQmawTpZs0\\\"\\u003Ehttps:\\/\\/t.co\\/AQmawTpZs0\\u003C\\/a\\u003E\\u003C\\/p\\u003E&mdash; Donald J. Trump (@realDonaldTrump) \\u003Ca href=\\\"https:\\/\\/twitter.com\\/realDonaldTrump\\/status\\/905958330815926276\\\"\\u003ESeptember 8, 2017\\u003C\\/a\\u003E\\u003C\\/blockquote\\u003E\\n\\u003Cscript async src=\\\"\\/\\/platform.twitter.com\\/widgets.js\\\" charset=\\\"utf-8\\\"\\u003E\\u003C\\/script\\u003E\",\"width\":550,\"height\":null,\"type\":\"rich\",\"cache_age\":\"3153600000\",\"provider_name\":\"Twitter\",\"provider_url\":\"https:\\/\\/twitter.com\",\"version\":\"1.0\"}\n"
 },
 "oe-dieworkwear": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "(see note)",
   "commit": null,
   "committed": null,
   "tier": "capture",
   "note": "comment \"Example JSON return\" (surrogate-pair escapes)"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json; charset=utf-8"
  },
  "body": "{\n  \"url\": \"https:\\/\\/twitter.com\\/dieworkwear\\/status\\/1797170834429313181\",\n  \"author_name\": \"derek guy\",\n  \"author_url\": \"https:\\/\\/twitter.com\\/dieworkwear\",\n  \"html\": \"\\u003Cblockquote class=\\\"twitter-tweet\\\"\\u003E\\u003Cp lang=\\\"en\\\" dir=\\\"ltr\\\"\\u003EIf you have a large seat—which is the polite tailoring term for &quot;ass&quot;—you can use darts to make the pants follow your curves. I will demonstrate. \\uD83E\\uDDF5 \\u003Ca href=\\\"https:\\/\\/t.co\\/G7G7Fm55z8\\\"\\u003Epic.twitter.com\\/G7G7Fm55z8\\u003C\\/a\\u003E\\u003C\\/p\\u003E&mdash; derek guy (@dieworkwear) \\u003Ca href=\\\"https:\\/\\/twitter.com\\/dieworkwear\\/status\\/1797170834429313181?ref_src=twsrc%5Etfw\\\"\\u003EJune 2, 2024\\u003C\\/a\\u003E\\u003C\\/blockquote\\u003E\\n\\u003Cscript async src=\\\"https:\\/\\/platform.twitter.com\\/widgets.js\\\" charset=\\\"utf-8\\\"\\u003E\\u003C\\/script\\u003E\\n\\n\",\n  \"width\": 550,\n  \"height\": null,\n  \"type\": \"rich\",\n  \"cache_age\": \"3153600000\",\n  \"provider_name\": \"Twitter\",\n  \"provider_url\": \"https:\\/\\/twitter.com\",\n  \"version\": \"1.0\"\n}\n"
 },
 "oe-twitterjp": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "(see note)",
   "commit": null,
   "committed": null,
   "tier": "capture",
   "note": "Zenn article: curl publish.twitter.com/oembed | jq, 2023"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json; charset=utf-8"
  },
  "body": "{\n  \"url\": \"https://twitter.com/TwitterJP/status/1587301348604841987\",\n  \"author_name\": \"Twitter Japan\",\n  \"author_url\": \"https://twitter.com/TwitterJP\",\n  \"html\": \"<blockquote class=\\\"twitter-tweet\\\"><p lang=\\\"ja\\\" dir=\\\"ltr\\\">ジブリさん (<a href=\\\"https://twitter.com/JP_GHIBLI?ref_src=twsrc%5Etfw\\\">@JP_GHIBLI</a>) に書き下ろしていただいたヘッダーを、ジブリパークのオープンを記念して、みなさんにも使っていただけることになりました🤩<br><br>常識の範囲内でつかって下さい。 <a href=\\\"https://t.co/HQ94KU3YAI\\\">pic.twitter.com/HQ94KU3YAI</a></p>&mdash; Twitter Japan (@TwitterJP) <a href=\\\"https://twitter.com/TwitterJP/status/1587301348604841987?ref_src=twsrc%5Etfw\\\">November 1, 2022</a></blockquote>\\n<script async src=\\\"https://platform.twitter.com/widgets.js\\\" charset=\\\"utf-8\\\"></script>\\n\",\n  \"width\": 550,\n  \"height\": null,\n  \"type\": \"rich\",\n  \"cache_age\": \"3153600000\",\n  \"provider_name\": \"Twitter\",\n  \"provider_url\": \"https://twitter.com\",\n  \"version\": \"1.0\"\n}\n"
 },
 "oe-doc-301-publish-x": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "design doc table \"Measured behaviour\"",
   "tier": "documented",
   "note": "\"publish.twitter.com/oembed | 301 -> publish.x.com/oembed\" (only status and target recorded)"
  },
  "status": 301,
  "headers": {
   "Location": "https://publish.x.com/oembed?url=https%3A%2F%2Ftwitter.com%2Fi%2Fstatus%2F463440424141459456&omit_script=true&dnt=true"
  },
  "body": ""
 },
 "x-pytwitter-5264": {
  "source": {
   "repo": "sns-sdks/python-twitter",
   "path": "testdata/apis/tweet/tweets_resp.json",
   "commit": "d6125880979105f570713652743797046d04017f",
   "committed": "2020-12-19",
   "tier": "docs-example",
   "note": "test data for GET /2/tweets?ids= with expansions=author_id (the Twitter docs example response)"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json"
  },
  "body": "{\n  \"data\": [\n    {\n      \"id\": \"1261326399320715264\",\n      \"text\": \"Tune in to the @MongoDB @Twitch stream featuring our very own @suhemparack to learn about Twitter Developer Labs - starting now! https://t.co/fAWpYi3o5O\",\n      \"author_id\": \"2244994945\",\n      \"created_at\": \"2020-05-15T16:03:42.000Z\"\n    },\n    {\n      \"id\": \"1278347468690915330\",\n      \"text\": \"Good news and bad news: \\n\\n2020 is half over\",\n      \"author_id\": \"783214\",\n      \"created_at\": \"2020-07-01T15:19:21.000Z\"\n    }\n  ],\n  \"includes\": {\n    \"users\": [\n      {\n        \"verified\": true,\n        \"name\": \"Twitter Dev\",\n        \"id\": \"2244994945\",\n        \"username\": \"TwitterDev\"\n      },\n      {\n        \"verified\": true,\n        \"name\": \"Twitter\",\n        \"id\": \"783214\",\n        \"username\": \"Twitter\"\n      }\n    ]\n  }\n}"
 },
 "oe-jkowalski": {
  "source": {
   "repo": "(public code; repository not recorded)",
   "path": "(see note)",
   "commit": null,
   "committed": null,
   "tier": "capture",
   "note": "Angular service returning a recorded oEmbed object"
  },
  "status": 200,
  "headers": {
   "Content-Type": "application/json; charset=utf-8"
  },
  "body": "{\n      \"url\": \"https://twitter.com/JKowalski_posel/status/1742218969061175725\",\n      \"author_name\": \"Janusz Kowalski 🇵🇱\",\n      \"author_url\": \"https://twitter.com/JKowalski_posel\",\n      \"html\": \"<blockquote class=\\\"twitter-tweet\\\"><p lang=\\\"pl\\\" dir=\\\"ltr\\\">W Sejmie nie ma już mniejszości niemieckiej. Jest większość, która myśli i działa po niemiecku. Odrzucenie przez rząd Tuska walki o przywrócenie polsko-niemieckiej symetrii to zgoda na dyskryminację Polaków w Niemczech i łamanie traktatu przez Berlin.<a href=\\\"https://t.co/NCNbcbToSH\\\">https://t.co/NCNbcbToSH</a></p>&mdash; Janusz Kowalski 🇵🇱 (@JKowalski_posel) <a href=\\\"https://twitter.com/JKowalski_posel/status/1742218969061175725?ref_src=twsrc%5Etfw\\\">January 2, 2024</a></blockquote>\\n\\n\\n\",\n      \"width\": 550,\n      \"height\": null,\n      \"type\": \"rich\",\n      \"cache_age\": \"3153600000\",\n      \"provider_name\": \"Twitter\",\n      \"provider_url\": \"https://twitter.com\",\n      \"version\": \"1.0\"\n    }\n"
 }
}''')


def recorded(case):
    r = RECORDED[case]
    return {"status": r["status"], "headers": r["headers"], "body": r["body"]}


def route(path, *responses):
    ROUTES[path] = list(responses)


def ok(body):
    return {"status": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def moved(location, status=301):
    return {"status": status, "headers": {"Location": location}}


def oembed_path(id_):
    return "/oembed?url=" + urllib.parse.quote("https://twitter.com/i/status/" + id_, safe="") + "&omit_script=true&dnt=true"


def oembed_answer(case_or_html, url, author, author_url):
    """An oEmbed answer carrying `html` (the shape publish.twitter.com gives)."""
    return ok({"url": url, "author_name": author, "author_url": author_url, "html": case_or_html, "width": 550,
               "height": None, "type": "rich", "cache_age": "3153600000", "provider_name": "Twitter",
               "provider_url": "https://twitter.com", "version": "1.0"})


def synd(id_, *responses):
    route("/tweet-result?id=%s&*" % id_, *responses)


def snowflake(date, seq=0):
    """A status ID whose Snowflake time is noon UTC of `date` (YYYY-MM-DD)."""
    import datetime
    t = datetime.datetime.strptime(date + " 12:00", "%Y-%m-%d %H:%M").replace(tzinfo=datetime.timezone.utc)
    ms = int(t.timestamp() * 1000) - 1288834974657
    return str((ms << 22) + seq)


def blockquote(handle, name, id_, text, date):
    return ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">%s</p>&mdash; %s (@%s) '
            '<a href="https://twitter.com/%s/status/%s?ref_src=twsrc%%5Etfw">%s</a></blockquote>\n') % (text, name, handle, handle, id_, date)


def embed_of(case):
    """The blockquote of a recorded oEmbed answer (the embed code an article carries)."""
    html = json.loads(RECORDED[case]["body"])["html"]
    return html[:html.index("</blockquote>") + len("</blockquote>")] + "\n"


def write(rel, text):
    with open(os.path.join(ROOT, rel), "w", encoding="utf-8") as f:
        f.write(text)


def article(title, cases):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n" % title +
            "\n".join("<h2>%s</h2>\n%s" % c for c in cases) + "</body></html>\n")


# --- check_services.html: the oEmbed service redirects --------------------------------------
INTERIOR, TRUMP, DEREK, TWJP = "463440424141459456", "905958330815926276", "1797170834429313181", "1587301348604841987"
# publish.twitter.com answers 301 to publish.x.com (same path and query), which answers.
route(oembed_path(INTERIOR), recorded("oe-doc-301-publish-x"), recorded("oe-interior"))
# A redirect to a host that is not oEmbed's: refused.
route(oembed_path(TRUMP), moved("https://publish.example.net/oembed?url=" +
                                urllib.parse.quote("https://twitter.com/i/status/" + TRUMP, safe="")))
# publish.twitter.com -> publish.x.com -> publish.twitter.com: a loop.
route(oembed_path(DEREK), moved("https://publish.x.com" + oembed_path(DEREK)), moved("https://publish.twitter.com" + oembed_path(DEREK)))
# A redirect to the other oEmbed host over plain http: refused.
JK = "1742218969061175725"
route(oembed_path(JK), moved("http://publish.x.com" + oembed_path(JK)))
# Redirects between the two oEmbed hosts that never end: more than the hop limit (5).
route(oembed_path(TWJP), moved("https://publish.x.com" + oembed_path(TWJP) + "&hop=1"))
for hop in range(1, 8):
    host = "publish.twitter.com" if hop % 2 else "publish.x.com"
    route(oembed_path(TWJP) + "&hop=%d" % hop, moved("https://%s%s&hop=%d" % (host, oembed_path(TWJP), hop + 1)))
write("fixtures/articles/check_services.html", article("check: the oEmbed service redirects", [
    ("verified: publish.twitter.com answers 301 to publish.x.com", embed_of("oe-interior")),
    ("unverifiable, redirect_refused: oEmbed redirects to another host", embed_of("oe-trump")),
    ("unverifiable, redirect_refused: a redirect loop between the oEmbed hosts", embed_of("oe-dieworkwear")),
    ("unverifiable, redirect_refused: more redirects than the hop limit", embed_of("oe-twitterjp")),
    ("unverifiable, redirect_refused: a redirect to plain http", embed_of("oe-jkowalski")),
]))

# --- check_wayback_redirect.html: Wayback 302s to the nearest capture ------------------------
VSAN, VSAN_TEXT = "484308107506376704", "Storage Controllers previously supported for VSAN that are no longer supported " \
                                         '<a href="http://t.co/XQTXJscMUr">http://t.co/XQTXJscMUr</a>'
synd(VSAN, {"status": 404, "headers": {"Content-Type": "text/html"}, "body": "<html>not found</html>"})
VSAN_URL = "https://twitter.com/vmstan/status/" + VSAN
route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/vmstan/status/" + VSAN, safe="") + "&*",
      ok([["timestamp", "original", "statuscode"], ["20140702130000", VSAN_URL, "200"]]))
# The capture asked for answers 302 with a relative Location to the nearest one.
route("/web/20140702130000id_/" + VSAN_URL, moved("/web/20140702131544id_/" + VSAN_URL, 302))
route("/web/20140702131544id_/" + VSAN_URL, {"status": 200, "headers": {"Content-Type": "text/html"}, "body":
      '<html><head><title>Michael Stanclift on Twitter: "Storage Controllers previously supported for VSAN that are no '
      'longer supported http://t.co/XQTXJscMUr" / Twitter</title><meta property="og:description" content="“Storage '
      'Controllers previously supported for VSAN that are no longer supported http://t.co/XQTXJscMUr”"></head><body></body></html>'})
write("fixtures/articles/check_wayback_redirect.html", article("check: Wayback redirects to the nearest capture", [
    ("missing, deleted, archived_match: the archived copy is one 302 away",
     '<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">%s</p>&mdash; Michael Stanclift (@vmstan) '
     '<a href="%s">July 2, 2014</a></blockquote>\n' % (VSAN_TEXT, VSAN_URL)),
]))

# --- check_tombstones.html: one post per tombstone wording -----------------------------------
TOMBSTONES = [
    # (wording or a whole answer, reason)
    (recorded("syn-emusks-tombstone-deleted"), "deleted"),
    ("This Tweet was deleted by the Tweet author. Learn more", "deleted"),
    ("This Post is from a suspended account. Learn more", "suspended"),
    ("This Tweet is from a suspended account. Learn more", "suspended"),
    ("This Post is from an account that no longer exists. Learn more", "account_gone"),
    ("This Tweet is from an account that no longer exists. Learn more", "account_gone"),
    ("You\u2019re unable to view this Post because this account owner limits who can view their Posts. Learn more", "protected"),
    ("You\u2019re unable to view this Tweet because this account owner limits who can view their Tweets. Learn more", "protected"),
    ("@localnews's account has been withheld in Germany, France based on local law(s). Learn more.", "withheld"),
    ("This Tweet from @localnews has been withheld in response to a report from the copyright holder. Learn more", "withheld"),
    ("This Post violated the X Rules. Learn more", "removed"),
    ("This Tweet violated the Twitter Rules. Learn more", "removed"),
    ("Age-restricted adult content. This content might not be appropriate for people under 18 years old. To view this "
     "media, you\u2019ll need to log in to X. Learn more", "age_restricted"),
    ("This Post is unavailable. Learn more", "unavailable"),
    ("This Tweet is unavailable. Learn more", "unavailable"),
    # Not a wording X uses: unavailable, and its words go into the evidence.
    ("This Post cannot be shown for a reason nobody has seen yet. Learn more", "unavailable"),
    # TweetUnavailable and its one-word reasons.
    (ok({"__typename": "TweetUnavailable", "reason": "NsfwLoggedOut"}), "age_restricted"),
    (ok({"__typename": "TweetUnavailable", "reason": "Protected"}), "protected"),
    # 200 {}: what tweet-result answers for some IDs that do not exist, read as its 404.
    (ok({}), "deleted"),
    # An empty tombstone: a live post in a restricted context.
    (ok({"__typename": "TweetTombstone", "tombstone": {}}), "age_restricted"),
]
cases = []
for n, (answer, reason) in enumerate(TOMBSTONES):
    date = "2023-%02d-%02d" % (1 + n // 28, 1 + n % 28)
    id_ = snowflake(date)
    if isinstance(answer, str):
        answer = ok({"__typename": "TweetTombstone", "tombstone": {"text": {"text": answer, "entities": [], "rtl": False}}})
    synd(id_, answer)
    import datetime
    shown = datetime.datetime.strptime(date, "%Y-%m-%d").strftime("%B %-d, %Y")
    cases.append(("missing, %s" % reason, blockquote("account%d" % n, "Account %d" % n, id_, "Words of post %d." % n, shown)))
write("fixtures/articles/check_tombstones.html", article("check: every tombstone wording", cases))

# --- check_http_tco.txt: flattened posts with http:// short links ----------------------------
# The Interior's post (its embed, oe-interior, links the photo as http://t.co/YuKy2rcjyU), flattened
# with the link as written there; and the vmstan post of 2014-06-29 with its photo link written
# http://pic.twitter.com/…
route("/YuKy2rcjyU", moved("https://twitter.com/Interior/status/%s/photo/1" % INTERIOR))
KID = "483046250829193216"
route("/fs2MjF8nS9", moved("https://twitter.com/vmstan/status/%s/photo/1" % KID))
KID_EMBED = ('<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">This kid got up at 8am asking to go to '
             'the Apple Store. Dad makes dreams come true. <a href="http://t.co/fs2MjF8nS9">pic.twitter.com/fs2MjF8nS9</a></p>'
             '&mdash; Michael Stanclift (@vmstan) <a href="https://twitter.com/vmstan/status/%s">June 29, 2014</a></blockquote>' % KID)
route(oembed_path(KID), oembed_answer(KID_EMBED, "https://twitter.com/vmstan/status/" + KID, "Michael Stanclift",
                                      "https://twitter.com/vmstan"))
write("fixtures/articles/check_http_tco.txt",
      "Sunsets don't get much better than this one over @GrandTetonNPS. #nature #sunset http://t.co/YuKy2rcjyU\n"
      "— US Department of the Interior (@Interior) May 5, 2014\n\n"
      "The photo of the day, from a blog post of that summer:\n\n"
      "This kid got up at 8am asking to go to the Apple Store. Dad makes dreams come true. http://pic.twitter.com/fs2MjF8nS9\n"
      "— Michael Stanclift (@vmstan) June 29, 2014\n")

# --- check_x_api_redirect.html: api.x.com answers 301 to api.twitter.com ------------------------
# The X API v2 docs' example answer (github:sns-sdks/python-twitter testdata/apis/tweet/tweets_resp.json
# at d6125880979105f570713652743797046d04017f), served by api.twitter.com after the 301.
DEV = "1261326399320715264"
XAPI_QUERY = ("/2/tweets?ids=%s&tweet.fields=created_at,author_id,entities,note_tweet,edit_history_tweet_ids,"
              "referenced_tweets&expansions=author_id&user.fields=username,name" % DEV)
route("/2/tweets?ids=%s&*" % DEV, moved("https://api.twitter.com" + XAPI_QUERY), ok(json.loads(RECORDED["x-pytwitter-5264"]["body"])))
write("fixtures/articles/check_x_api_redirect.html", article("check: the X API redirects to api.twitter.com", [
    ("verified: api.x.com answers 301 to api.twitter.com", blockquote(
        "TwitterDev", "Twitter Dev", DEV,
        'Tune in to the <a href="https://twitter.com/MongoDB?ref_src=twsrc%5Etfw">@MongoDB</a> '
        '<a href="https://twitter.com/Twitch?ref_src=twsrc%5Etfw">@Twitch</a> stream featuring our very own '
        '<a href="https://twitter.com/suhemparack?ref_src=twsrc%5Etfw">@suhemparack</a> to learn about Twitter Developer '
        'Labs - starting now! <a href="https://t.co/fAWpYi3o5O">https://t.co/fAWpYi3o5O</a>', "May 15, 2020")),
]))

# --- relative redirects (RFC 3986 §5.2) through the resolver ----------------------------------
route("/rel/a/b/start", moved("../../x/./y/../hop2", 302))              # -> https://t.co/rel/x/hop2
route("/rel/x/hop2", moved("?step=3#frag", 302))                         # -> …/hop2?step=3#frag
route("/rel/x/hop2?step=3", moved("#photo", 302),                        # -> …/hop2?step=3#photo
      moved("https://x.com/someone/status/1800000000000000001/photo/1"))
route("/rel/bad", moved("http://[bad"))                                   # not a URL: an error

with open(os.path.join(ROOT, "fixtures/http/services.json"), "w", encoding="utf-8") as f:
    json.dump(ROUTES, f, indent=1, ensure_ascii=False)
    f.write("\n")
