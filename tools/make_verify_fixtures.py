#!/usr/bin/env python3
"""Writes the verifier's end-to-end fixtures:

  fixtures/http/verify.json           routes for tools/fake_server.py: t.co, syndication, oEmbed,
                                      Wayback (CDX + raw captures) and X API v2 answers, shaped
                                      like the real responses documented in the formats reference
  fixtures/articles/check_verdicts.html   one embed per verdict/reason
  fixtures/archive/local-archive.jsonl    a local archive (syndication- and API v2-shaped lines)

Every status ID is a real Snowflake for the date the fixture shows, so dates agree unless a case
says otherwise. Run it again after changing a case; the outputs are committed.
"""
import json
import os
import urllib.parse

ROOT = os.path.join(os.path.dirname(__file__), "..")
ROUTES = {}


def route(path, *responses):
    ROUTES[path] = list(responses)


def ok(body):
    return {"status": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def tweet(id_, handle, name, text, created, urls=(), media=(), **extra):
    """A syndication tweet-result object (cdn.syndication.twimg.com/tweet-result)."""
    t = {"__typename": "Tweet", "lang": "en", "created_at": created, "id_str": id_, "text": text,
         "display_text_range": [0, len(text)],
         "entities": {"hashtags": [], "user_mentions": [], "symbols": [],
                      "urls": [{"url": u, "display_url": d, "expanded_url": "https://" + d, "indices": [0, 0]} for u, d in urls],
                      "media": [{"url": u, "display_url": d, "indices": [0, 0]} for u, d in media]},
         "user": {"id_str": "1", "name": name, "screen_name": handle, "is_blue_verified": False},
         "edit_control": {"edit_tweet_ids": [id_], "editable_until_msecs": "0", "is_edit_eligible": False, "edits_remaining": "5"},
         "isEdited": False, "isStaleEdit": False, "favorite_count": 1, "conversation_count": 0}
    t.update(extra)
    return t


def tombstone(text):
    return {"__typename": "TweetTombstone", "tombstone": {"text": {"text": text, "entities": []}}}


def synd(id_, *responses):
    route("/tweet-result?id=%s&*" % id_, *responses)


def oembed(id_, *responses):
    route("/oembed?url=" + urllib.parse.quote("https://twitter.com/i/status/" + id_, safe="") + "&*", *responses)


def cdx(handle, id_, rows):
    route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/%s/status/%s" % (handle, id_), safe="") + "&*",
          ok([["timestamp", "original", "statuscode"]] + rows))


def capture(ts, original, html):
    route("/web/%sid_/%s" % (ts, original), {"status": 200, "headers": {"Content-Type": "text/html"}, "body": html})


def page(name, text):
    return ('<html><head><title>%s on Twitter: "%s" / Twitter</title>'
            '<meta property="og:description" content="“%s”"></head><body></body></html>') % (name, text, text)


def blockquote(handle, name, id_, text, date):
    return ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">%s</p>&mdash; %s (@%s) '
            '<a href="https://twitter.com/%s/status/%s?ref_src=twsrc%%5Etfw">%s</a></blockquote>\n') % (text, name, handle, handle, id_, date)


CASES = []


def case(title, html):
    CASES.append("<h2>%s</h2>\n%s" % (title, html))


# --- the seed article: three flattened posts ------------------------------------------------
SERENA, CARL, KABIR = "1420308042347446272", "1420323141841846272", "1420338241336246272"
# Serena Dong: reached only through pic.twitter.com/HJPx1XTDZR -> t.co -> status; live and equal.
route("/HJPx1XTDZR", {"status": 301, "headers": {"Location": "https://twitter.com/theserenadong/status/%s/photo/1" % SERENA}})
synd(SERENA, ok(tweet(SERENA, "theserenadong", "Serena Dong", "#Taliban leader visit in #China\nMore to come… https://t.co/HJPx1XTDZR",
                      "2021-07-28T09:00:00.000Z", media=[("https://t.co/HJPx1XTDZR", "pic.twitter.com/HJPx1XTDZR")])))
# Carl Zha: pic link -> status; the post was deleted; an archived copy says the same.
route("/s0rS1wKInN", {"status": 301, "headers": {"Location": "https://twitter.com/CarlZha/status/%s/photo/1" % CARL}})
synd(CARL, {"status": 404, "headers": {"Content-Type": "text/html"}, "body": "<html>not found</html>"})
oembed(CARL, {"status": 404, "body": ""})
cdx("CarlZha", CARL, [["20210729010101", "https://twitter.com/CarlZha/status/%s" % CARL, "200"]])
capture("20210729010101", "https://twitter.com/CarlZha/status/%s" % CARL, page("Carl Zha", "US vs Taliban in China pic.twitter.com/s0rS1wKInN"))
# Kabir Taneja: the t.co link leads to a news page, not a post; the ID is found by searching the
# archive of @KabirTaneja's statuses that day (two candidates; the text picks one).
route("/UCS4R6VScX", {"status": 301, "headers": {"Location": "https://www.example-news.test/2021/07/china-taliban"}})
route("/2021/07/china-taliban", {"status": 200, "body": "<html>a news article</html>"})
KABIR_OTHER = "1420277843358646272"
route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/KabirTaneja/status/", safe="") + "&*",
      ok([["timestamp", "original", "statuscode"],
          ["20210728120000", "https://twitter.com/KabirTaneja/status/%s" % KABIR_OTHER, "200"],
          ["20210728130000", "https://twitter.com/KabirTaneja/status/%s" % KABIR, "200"]]))
KABIR_TEXT = ("This is ultimately quite a class on international relations. China has more than a million Uyghur "
              "Muslims in ‘re-education’ camps in Xinjiang but is hosting and chilling with the Taliban freely in Tianjin… "
              "https://t.co/UCS4R6VScX")
capture("20210728120000", "https://twitter.com/KabirTaneja/status/%s" % KABIR_OTHER, page("Kabir Taneja", "Another post that day."))
capture("20210728130000", "https://twitter.com/KabirTaneja/status/%s" % KABIR, page("Kabir Taneja", KABIR_TEXT))
synd(KABIR, ok(tweet(KABIR, "KabirTaneja", "Kabir Taneja", KABIR_TEXT, "2021-07-28T11:00:00.000Z")))

# --- one embed per verdict and reason -----------------------------------------------------
ids = dict(verified="1503385460536246272", numbers="1503747848401846272", negation="1504110236267446272",
           truncated="1504472624133046272", added="1504835011998646272", changed="1505197399864246272",
           handle="1505559787729846272", date="1505922175595446272", deleted="1506284563461046272",
           suspended="1506646951326646272", protected="1506646951326646273", withheld="1507371727057846272",
           unavailable="1507734114923446272", gone_mismatch="1508096502789046272", timeout="1508458890654646272",
           ratelimited="1508821278520246272", malformed="1509183666385846272", edited_old="1612751098475446272",
           edited_new="1612766197969846272", quote="1620708532024246272", quoted="1620346144158646272",
           name="1510542620881846272", age="1507009339192246272")

synd(ids["verified"], ok(tweet(ids["verified"], "example_news", "Example News",
                               "Council approves the new budget: https://t.co/AbCdEf123 https://t.co/MeDiA1234",
                               "2022-03-14T15:00:00.000Z", urls=[("https://t.co/AbCdEf123", "example.com/budget")],
                               media=[("https://t.co/MeDiA1234", "pic.twitter.com/MeDiA1234")])))
case("verified: t.co links shown by their display text", blockquote("example_news", "Example News", ids["verified"],
     'Council approves the new budget: <a href="https://t.co/AbCdEf123">example.com/budget</a> '
     '<a href="https://t.co/MeDiA1234">pic.twitter.com/MeDiA1234</a>', "March 14, 2022"))

synd(ids["numbers"], ok(tweet(ids["numbers"], "stats_office", "Stats Office", "Unemployment fell to 4.1% in February.", "2022-03-15T15:00:00.000Z")))
case("altered: number_changed", blockquote("stats_office", "Stats Office", ids["numbers"], "Unemployment fell to 3.1% in February.", "March 15, 2022"))

synd(ids["negation"], ok(tweet(ids["negation"], "health_agency", "Health Agency", "The water is safe to drink.", "2022-03-16T15:00:00.000Z")))
case("altered: negation_changed", blockquote("health_agency", "Health Agency", ids["negation"], "The water is not safe to drink.", "March 16, 2022"))

synd(ids["truncated"], ok(tweet(ids["truncated"], "long_talker", "Long Talker",
                                "We will publish the full report on Monday, with every figure and every source we used.",
                                "2022-03-17T15:00:00.000Z")))
case("altered: truncated", blockquote("long_talker", "Long Talker", ids["truncated"], "We will publish the full report on Monday…", "March 17, 2022"))

synd(ids["added"], ok(tweet(ids["added"], "mayor_office", "Mayor's Office", "The bridge reopens tomorrow.", "2022-03-18T15:00:00.000Z")))
case("altered: text_added", blockquote("mayor_office", "Mayor's Office", ids["added"], "The bridge reopens tomorrow, finally and for good.", "March 18, 2022"))

synd(ids["changed"], ok(tweet(ids["changed"], "sports_desk", "Sports Desk", "A great win for the home team tonight.", "2022-03-19T15:00:00.000Z")))
case("altered: text_changed", blockquote("sports_desk", "Sports Desk", ids["changed"], "A shameful loss for the home team tonight.", "March 19, 2022"))

synd(ids["handle"], ok(tweet(ids["handle"], "real_author", "Real Author", "Words someone else wrote.", "2022-03-20T15:00:00.000Z")))
case("misattributed: handle_mismatch", blockquote("fake_author", "Real Author", ids["handle"], "Words someone else wrote.", "March 20, 2022"))

synd(ids["date"], ok(tweet(ids["date"], "dated", "Dated", "Posted on the twenty-first.", "2022-03-21T15:00:00.000Z")))
case("misattributed: date_mismatch", blockquote("dated", "Dated", ids["date"], "Posted on the twenty-first.", "March 1, 2022"))

synd(ids["name"], ok(tweet(ids["name"], "renamer", "New Name", "Same words as ever.", "2022-04-03T09:00:00.000Z")))
case("verified, display_name_changed note", blockquote("renamer", "Old Name", ids["name"], "Same words as ever.", "April 3, 2022"))

synd(ids["deleted"], ok(tombstone("This Post was deleted by the Post author. Learn more")))
cdx("gone_user", ids["deleted"], [["20220322160000", "https://twitter.com/gone_user/status/%s" % ids["deleted"], "200"]])
capture("20220322160000", "https://twitter.com/gone_user/status/%s" % ids["deleted"], page("Gone User", "A post that was later deleted."))
case("missing: deleted, archived_match", blockquote("gone_user", "Gone User", ids["deleted"], "A post that was later deleted.", "March 22, 2022"))

synd(ids["gone_mismatch"], {"status": 404, "body": "<html></html>"})
oembed(ids["gone_mismatch"], {"status": 404, "body": ""})
cdx("gone_user", ids["gone_mismatch"], [["20220327160000", "https://twitter.com/gone_user/status/%s" % ids["gone_mismatch"], "200"]])
capture("20220327160000", "https://twitter.com/gone_user/status/%s" % ids["gone_mismatch"], page("Gone User", "The archived words differ."))
case("missing: deleted, archived_mismatch", blockquote("gone_user", "Gone User", ids["gone_mismatch"], "The article's words differ.", "March 27, 2022"))

synd(ids["suspended"], ok(tombstone("This Post is from a suspended account. Learn more")))
cdx("banned", ids["suspended"], [])
case("missing: suspended", blockquote("banned", "Banned", ids["suspended"], "Whatever it said.", "March 23, 2022"))

synd(ids["protected"], ok({"__typename": "TweetUnavailable", "reason": "Protected"}))
case("missing: protected", blockquote("private_person", "Private", ids["protected"], "Only for followers.", "March 23, 2022"))

synd(ids["withheld"], ok(tombstone("This Post from @localnews has been withheld in Germany based on local law(s).")))
case("missing: withheld", blockquote("localnews", "Local News", ids["withheld"], "Withheld words.", "March 25, 2022"))

synd(ids["age"], ok({"__typename": "TweetTombstone", "tombstone": {}}))
case("missing: age_restricted (empty tombstone)", blockquote("adult_account", "Adult", ids["age"], "Login-walled words.", "March 24, 2022"))

synd(ids["unavailable"], ok(tombstone("This Post is unavailable. Learn more")))
case("missing: unavailable", blockquote("someone", "Someone", ids["unavailable"], "Unavailable words.", "March 26, 2022"))

synd(ids["timeout"], {"status": 200, "delay_ms": 4000, "body": "{}"})
oembed(ids["timeout"], {"status": 500, "body": "oops"})
cdx("slowpoke", ids["timeout"], [])
case("unverifiable: network_error (a source times out, the next answers 500)", blockquote("slowpoke", "Slow", ids["timeout"], "Slow words.", "March 28, 2022"))

synd(ids["ratelimited"], {"status": 429, "headers": {"Content-Type": "text/plain"}, "body": "Rate limit exceeded"})
oembed(ids["ratelimited"], {"status": 429, "body": ""})
cdx("popular", ids["ratelimited"], [])
case("unverifiable: rate_limited", blockquote("popular", "Popular", ids["ratelimited"], "Popular words.", "March 29, 2022"))

synd(ids["malformed"], {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "{\"__typename\": \"Tweet\", \"text\": "})
oembed(ids["malformed"], ok({"url": "https://twitter.com/fallback/status/%s" % ids["malformed"], "author_name": "Fallback",
                             "author_url": "https://twitter.com/fallback", "provider_name": "Twitter", "type": "rich",
                             "html": blockquote("fallback", "Fallback", ids["malformed"], "The oEmbed answer stands in.", "March 30, 2022")}))
case("verified through oEmbed after malformed syndication JSON", blockquote("fallback", "Fallback", ids["malformed"], "The oEmbed answer stands in.", "March 30, 2022"))

synd(ids["edited_new"], ok(tweet(ids["edited_new"], "editor", "Editor", "Launch moved to Friday (edited).", "2023-01-10T11:00:00.000Z",
                                 edit_control={"edit_tweet_ids": [ids["edited_old"], ids["edited_new"]], "editable_until_msecs": "0",
                                               "is_edit_eligible": False, "edits_remaining": "4"}, isEdited=True)))
synd(ids["edited_old"], ok(tweet(ids["edited_old"], "editor", "Editor", "Launch moved to Thursday.", "2023-01-10T10:00:00.000Z")))
case("verified, edited_since (the article shows the first version)", blockquote("editor", "Editor", ids["edited_new"], "Launch moved to Thursday.", "January 10, 2023"))

synd(ids["quote"], ok(tweet(ids["quote"], "commentator", "Commentator", "This is exactly right.", "2023-02-01T09:00:00.000Z",
                            quoted_tweet={"id_str": ids["quoted"], "text": "The original claim.", "user": {"screen_name": "claimant"}})))
case("verified quote post (names the quoted post)", blockquote("commentator", "Commentator", ids["quote"], "This is exactly right.", "February 1, 2023"))

LONG_SYND = "1510542620881846273"
LONG_SYND_TEXT = "A thread-length post that goes on and on. " * 12
synd(LONG_SYND, ok(tweet(LONG_SYND, "longform", "Long Form", LONG_SYND_TEXT[:275].rstrip() + "…", "2022-04-03T09:00:00.000Z",
                         note_tweet={"id": "Tm90ZVR3ZWV0UmVzdWx0czoxNTEwNTQy"})))
case("verified long post: syndication gives only its head (note_tweet)",
     blockquote("longform", "Long Form", LONG_SYND, LONG_SYND_TEXT.strip(), "April 3, 2022"))

# A Bluesky post, answered by the AppView (getPosts; the body built from the Lexicon as
# tools/make_bluesky_fixtures.py builds its own).
BSKY_URI = "at://did:plc:abc/app.bsky.feed.post/3lbq7mxsiek2v"
route("/xrpc/app.bsky.feed.getPosts?uris=" + urllib.parse.quote(BSKY_URI, safe=""),
      ok({"posts": [{"uri": BSKY_URI, "cid": "bafyreie37qtk6ldmdof2ysxjokx5pirnlbdu7hdlivkkaeok2zndql2nwm",
                     "author": {"did": "did:plc:abc", "handle": "sky.example", "displayName": "Sky", "labels": []},
                     "record": {"$type": "app.bsky.feed.post", "createdAt": "2024-11-25T10:00:00.000Z",
                                "langs": ["en"], "text": "Sky words"},
                     "replyCount": 0, "repostCount": 0, "likeCount": 0, "quoteCount": 0,
                     "indexedAt": "2024-11-25T10:00:00.000Z", "labels": []}]}))
case("verified: a Bluesky post (the AppView's getPosts)",
     '<blockquote class="bluesky-embed" data-bluesky-uri="at://did:plc:abc/app.bsky.feed.post/3lbq7mxsiek2v"><p lang="en">Sky words</p>'
     '&mdash; Sky (<a href="https://bsky.app/profile/did:plc:abc">@sky.example</a>) '
     '<a href="https://bsky.app/profile/did:plc:abc/post/3lbq7mxsiek2v">November 25, 2024</a></blockquote>\n')

# --- issue 9: renderings that are not changes, and changes in scripts without spaces ---------
JA = "1589123456789012480"
JA_TEXT = "明日7月28日の会議は中止です。詳しくはこちら"
synd(JA, ok(tweet(JA, "city_office_jp", "市役所", JA_TEXT, "2022-11-06T01:00:00.000Z")))
case("altered: one character changed in Japanese (会議 -> 会談): text_changed, not number_changed",
     blockquote("city_office_jp", "市役所", JA, JA_TEXT.replace("議", "談"), "November 6, 2022"))
JA2 = "1589123456789012481"
synd(JA2, ok(tweet(JA2, "city_office_jp", "市役所", JA_TEXT, "2022-11-06T01:00:00.000Z")))
case("altered: a date changed in Japanese (28日 -> 29日): number_changed",
     blockquote("city_office_jp", "市役所", JA2, JA_TEXT.replace("28", "29"), "November 6, 2022"))

LONG_HEAD = "1700000000000000000"
LONG_HEAD_TEXT = ("Budget &amp; schedule: the council met for six hours and agreed on every line of the plan, "
                  "from the new bus routes to the library hours, the parks and the pools. ")
LONG_HEAD_FULL = (LONG_HEAD_TEXT.replace("&amp;", "&") + "Here is everything that changes next year, item by item, "
                  "with the dates on which each change takes effect.")
synd(LONG_HEAD, ok(tweet(LONG_HEAD, "council_news", "Council News", LONG_HEAD_TEXT + "… https://t.co/MoRe123456",
                         "2023-09-08T04:15:59.000Z",
                         urls=[("https://t.co/MoRe123456", "twitter.com/i/web/status/1…")],
                         note_tweet={"id": "Tm90ZVR3ZWV0UmVzdWx0czoxNzAw"})))
case("verified long post: syndication's head ends in … and a t.co link to i/web/status, source text with &amp;amp;",
     blockquote("council_news", "Council News", LONG_HEAD, LONG_HEAD_FULL.replace("&", "&amp;"), "September 8, 2023"))

STALE_OLD, STALE_NEW = "1612751098475446273", "1612766197969846273"
synd(STALE_OLD, ok(tweet(STALE_OLD, "editor", "Editor", "Polls close at 8 pm.", "2023-01-10T10:00:00.000Z",
                         edit_control={"edit_tweet_ids": [STALE_OLD, STALE_NEW], "editable_until_msecs": "0",
                                       "is_edit_eligible": False, "edits_remaining": "4"}, isStaleEdit=True)))
synd(STALE_NEW, ok(tweet(STALE_NEW, "editor", "Editor", "Polls close at 9 pm.", "2023-01-10T11:00:00.000Z",
                         edit_control={"edit_tweet_ids": [STALE_OLD, STALE_NEW], "editable_until_msecs": "0",
                                       "is_edit_eligible": False, "edits_remaining": "4"}, isEdited=True)))
case("verified, edited_since (the article carries the first version's ID; a later version exists)",
     blockquote("editor", "Editor", STALE_OLD, "Polls close at 8 pm.", "January 10, 2023"))

QUOTES = "1505197399864246273"
synd(QUOTES, ok(tweet(QUOTES, "sports_desk", "Sports Desk", "\"We won't stop,\" the coach said after the win.",
                      "2022-03-19T16:00:00.000Z")))
case("altered: text_changed, the article's curly quotes kept apart from the original's straight ones",
     blockquote("sports_desk", "Sports Desk", QUOTES, "“We won’t stop,” the coach said after the loss.", "March 19, 2022"))

WRAPPED = "1254834028248735744"
synd(WRAPPED, ok(tweet(WRAPPED, "AutonomousUnion", "Autonomous Tenants Union", "Rent strike now!", "2020-04-27T18:00:00.000Z")))
case("verified: a site wrapper without a permalink, the credit line inside the blockquote",
     '<div data-provider="Twitter"><blockquote data-tweetid="%s"><p>Rent strike now!</p>'
     '\u2014 Autonomous Tenants Union (@AutonomousUnion) April 27, 2020</blockquote></div>\n' % WRAPPED)

html = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>check: one embed per verdict</title></head><body>\n"
        + "\n".join(CASES) + "\n</body></html>\n")
with open(os.path.join(ROOT, "fixtures/articles/check_verdicts.html"), "w", encoding="utf-8") as f:
    f.write(html)

# A flattened post with neither permalink nor links, and no archive match: no_status_id.
with open(os.path.join(ROOT, "fixtures/articles/check_no_status_id.txt"), "w", encoding="utf-8") as f:
    f.write("Nothing links this post to its original.\n\n— Nobody Special (@nobody_special) March 3, 2022\n")
route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/nobody_special/status/", safe="") + "&*",
      ok([["timestamp", "original", "statuscode"]]))

# X API v2: a long post (note_tweet) whose full text the article quotes; a deleted one.
LONG = "1664195075896246272"
LONG_TEXT = ("This is a long post. " * 20).strip()
route("/2/tweets?ids=%s&*" % LONG, ok({"data": [{"id": LONG, "text": LONG_TEXT[:270] + "…", "author_id": "9",
                                                   "created_at": "2023-06-01T09:00:00.000Z",
                                                   "edit_history_tweet_ids": [LONG], "note_tweet": {"text": LONG_TEXT}}],
                                         "includes": {"users": [{"id": "9", "username": "verbose", "name": "Verbose"}]}}))
API_GONE = "1510180233016246272"
route("/2/tweets?ids=%s&*" % API_GONE, ok({"errors": [{"value": API_GONE, "detail": "Could not find tweet with ids: [%s]." % API_GONE,
                                                        "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
                                                        "type": "https://api.twitter.com/2/problems/resource-not-found"}]}))
with open(os.path.join(ROOT, "fixtures/articles/check_x_api.html"), "w", encoding="utf-8") as f:
    f.write("<html><body>\n" + blockquote("verbose", "Verbose", LONG, LONG_TEXT, "June 1, 2023")
            + blockquote("someone", "Someone", API_GONE, "Gone from the API.", "April 2, 2022") + "</body></html>\n")

# --- posts quoted in prose (form quote): excerpts, changed words, a handle only ---------------
Q_FULL, Q_ALTERED, Q_FOUND = "1397575220521623553", "1397575220521623554", "1397600000000000000"
Q_TEXT = ("We are in close contact with local law enforcement and will share updates as we learn more. "
          "Our hearts are with the families tonight.")
synd(Q_FULL, ok(tweet(Q_FULL, "GavinNewsom", "Gavin Newsom", Q_TEXT, "2021-05-26T15:00:00.000Z")))
synd(Q_ALTERED, ok(tweet(Q_ALTERED, "GavinNewsom", "Gavin Newsom", Q_TEXT, "2021-05-26T15:00:00.000Z")))
# A quote linked only to the account: the archive of its statuses is searched by the words.
synd(Q_FOUND, ok(tweet(Q_FOUND, "sliccardo", "Sam Liccardo", "Today we mourn nine members of our VTA family. "
                       "San Jose will stand with every one of their families.", "2021-05-26T16:40:00.000Z")))
route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/sliccardo/status/", safe="") + "&*",
      ok([["timestamp", "original", "statuscode"],
          ["20210526180000", "https://twitter.com/sliccardo/status/1397599999999999999", "200"],
          ["20210527090000", "https://twitter.com/sliccardo/status/%s" % Q_FOUND, "200"]]))
capture("20210526180000", "https://twitter.com/sliccardo/status/1397599999999999999", page("Sam Liccardo", "Another post."))
capture("20210527090000", "https://twitter.com/sliccardo/status/%s" % Q_FOUND,
        page("Sam Liccardo", "Today we mourn nine members of our VTA family. San Jose will stand with every one of their families."))
route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/nobody_quoted/status/", safe="") + "&*",
      ok([["timestamp", "original", "statuscode"]]))
QUOTES_HTML = (
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>check: posts quoted in prose</title></head><body>\n"
    "<p>The governor reacted within the hour.</p>\n"
    "<p>\u201cWe are in close contact with local law enforcement and will share updates as we learn more,\u201d the "
    "<a href=\"https://twitter.com/GavinNewsom/status/%s\">tweet</a> reads.</p>\n"
    "<p>\u201cWe are in close contact with the federal authorities,\u201d the governor "
    "<a href=\"https://twitter.com/GavinNewsom/status/%s\">tweeted</a>.</p>\n"
    "<p>\u201cToday we mourn nine members of our VTA family,\u201d the mayor "
    "<a href=\"https://twitter.com/sliccardo\">wrote on Twitter</a>.</p>\n"
    "<p>\u201cNobody archived these words of mine,\u201d another account "
    "<a href=\"https://twitter.com/nobody_quoted\">posted</a>.</p>\n"
    "</body></html>\n") % (Q_FULL, Q_ALTERED)
with open(os.path.join(ROOT, "fixtures/articles/check_quotes.html"), "w", encoding="utf-8") as f:
    f.write(QUOTES_HTML)

# An article fetched by URL (check INPUT may be an article URL).
route("/2022/04/article.html", {"status": 200, "headers": {"Content-Type": "text/html"},
                                "body": "<html><body>" + blockquote("example_news", "Example News", ids["verified"],
                                        'Council approves the new budget: <a href="https://t.co/AbCdEf123">example.com/budget</a>',
                                        "March 14, 2022") + "</body></html>"})

# A local archive: one syndication-shaped line and one API v2-shaped line.
os.makedirs(os.path.join(ROOT, "fixtures/archive"), exist_ok=True)
with open(os.path.join(ROOT, "fixtures/archive/local-archive.jsonl"), "w", encoding="utf-8") as f:
    f.write(json.dumps(tweet(ids["verified"], "example_news", "Example News",
                             "Council approves the new budget: https://t.co/AbCdEf123 https://t.co/MeDiA1234",
                             "2022-03-14T15:00:00.000Z", urls=[("https://t.co/AbCdEf123", "example.com/budget")],
                             media=[("https://t.co/MeDiA1234", "pic.twitter.com/MeDiA1234")])) + "\n")
    f.write(json.dumps({"data": {"id": ids["numbers"], "text": "Unemployment fell to 4.1% in February.", "author_id": "5",
                                 "created_at": "2022-03-15T15:00:00.000Z"},
                        "includes": {"users": [{"id": "5", "username": "stats_office", "name": "Stats Office"}]}}) + "\n")

with open(os.path.join(ROOT, "fixtures/http/verify.json"), "w", encoding="utf-8") as f:
    json.dump(ROUTES, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("%d routes, %d cases" % (len(ROUTES), len(CASES)))
