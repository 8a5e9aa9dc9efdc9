#!/usr/bin/env python3
"""Writes the end-to-end fixtures built from real recorded responses of the services:

  fixtures/http/recorded.json          routes for tools/fake_server.py: every entry of
                                       fixtures/recorded/responses.json served at the path
                                       tweetcheck requests for it
  fixtures/articles/check_recorded.html   articles embedding each recorded post the ways real
                                       pages show it (the platform's embed code, a renderer's
                                       display URLs, expanded URLs, the media link left out)
  fixtures/recorded/expected.json      the verdict (and reasons, notes) each embed implies

fixtures/recorded/responses.json is a copy of the recordings other projects made (provenance in
each entry's "source" and in fixtures/recorded/README.md). Run this again after changing a case;
the outputs are committed.
"""
import html
import json
import os
import re
import urllib.parse
from datetime import datetime, timezone

ROOT = os.path.join(os.path.dirname(__file__), "..")
REC = json.load(open(os.path.join(ROOT, "fixtures/recorded/responses.json"), encoding="utf-8"))
ROUTES = {}
CASES = []     # (title, html, expectation)
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def route(path, *responses):
    ROUTES.setdefault(path, []).extend(responses)


def served(e):
    r = {"status": e["status"], "headers": {k: v for k, v in e["headers"].items() if k.lower() not in
                                            ("content-length", "connection", "transfer-encoding", "content-encoding")},
         "body": e["body"]}
    # Locations stay as recorded: the test maps the services' hosts to the test server.
    return r


def synd_path(id_):
    return "/tweet-result?id=%s&*" % id_


def oembed_path(id_):
    return "/oembed?url=" + urllib.parse.quote("https://twitter.com/i/status/" + id_, safe="") + "&*"


def snowflake_date(id_):
    ms = (int(id_) >> 22) + 1288834974657
    d = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)


def shown_date(created_at, id_):
    if created_at:
        d = datetime.strptime(created_at[:10], "%Y-%m-%d")
        return "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)
    return snowflake_date(id_)


def embed(handle, name, id_, inner, date):
    """The blockquote publish.twitter.com hands out (omit_script)."""
    return ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">%s</p>&mdash; %s (@%s) '
            '<a href="https://twitter.com/%s/status/%s?ref_src=twsrc%%5Etfw">%s</a></blockquote>\n'
            % (inner, html.escape(name, quote=False), handle, handle, id_, date))


def render(text, links, mode):
    """A post's text as HTML with its links shown the way `mode` says.

    links: {t.co URL: (display_url, expanded_url, is_media)}.
    embed: the t.co URL as text (publish.twitter.com), the media link as pic.twitter.com/CODE.
    display: display URLs, the media link left out (what renderers like react-tweet show).
    expanded: expanded URLs, the media link as pic.x.com/CODE.
    http: the t.co links over http:// (2011-2015 embeds), the media link as http://t.co/CODE."""
    out = []
    pos = 0
    for m in re.finditer(r"https?://t\.co/[A-Za-z0-9]+", text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        pos = m.end()
        url = m.group(0)
        display, expanded, media = links.get(url, (None, None, False))
        code = url.rsplit("/", 1)[1]
        if mode == "embed":
            shown = ("pic.twitter.com/" + code) if media else url
        elif mode == "display":
            if media:
                continue
            shown = display or url
        elif mode == "expanded":
            shown = ("pic.x.com/" + code) if media else (expanded or url)
        else:
            shown = "http://t.co/" + code
        out.append('<a href="%s">%s</a>' % (html.escape(url), html.escape(shown, quote=False)))
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out).strip().replace("\n", "<br>")


def case(title, markup, verdict, reasons=(), notes=()):
    CASES.append((title, markup, {"case": title, "verdict": verdict, "reasons": list(reasons), "notes": list(notes)}))


for e in REC:
    kind, name, id_ = e["kind"], e["case"], e.get("id")
    if kind == "syndication":
        route(synd_path(id_), served(e))
        body = json.loads(e["body"]) if e["body"].strip().startswith("{") else None
        if e["status"] == 200 and body and body.get("__typename") == "Tweet" and body.get("text"):
            t = body
            text = html.unescape(t["text"])
            ents = t.get("entities") or {}
            links = {}
            for u in (ents.get("urls") if isinstance(ents.get("urls"), list) else []):
                links[u["url"]] = (u.get("display_url"), u.get("expanded_url"), False)
            for m in (ents.get("media") if isinstance(ents.get("media"), list) else []) + (t.get("mediaDetails") or []):
                if m.get("url"):
                    links[m["url"]] = (m.get("display_url"), m.get("expanded_url"), True)
            user = t.get("user") or {}
            date = shown_date(t.get("created_at"), id_)
            for mode in ("embed", "display", "expanded", "http"):
                case("%s: recorded syndication answer, links shown as %s" % (name, mode),
                     embed(user["screen_name"], user["name"], id_, render(text, links, mode), date), "verified")
        elif e["status"] == 200 and body == {}:
            case("%s: syndication answers 200 {} (not found, as a 404)" % name,
                 embed("someone", "Someone", id_, "Words of a post that does not exist.", snowflake_date(id_)),
                 "missing", ["deleted"])
        elif e["status"] == 200 and body and body.get("__typename") == "TweetTombstone":
            text = ((body.get("tombstone") or {}).get("text") or {}).get("text", "")
            reason = "deleted" if "deleted" in text else "age_restricted"
            route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/someone/status/%s" % id_, safe="") + "&*",
                  {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "[]"})
            case("%s: syndication tombstone" % name,
                 embed("someone", "Someone", id_, "Words of a post now gone.", snowflake_date(id_)), "missing", [reason])
        elif e["status"] == 404:
            route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/someone/status/%s" % id_, safe="") + "&*",
                  {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "[]"})
            case("%s: syndication 404" % name,
                 embed("someone", "Someone", id_, "Words of a post now gone.", snowflake_date(id_)), "missing", ["deleted"])
    elif kind == "oembed":
        if e["status"] == 301:
            # publish.twitter.com answers 301 to publish.x.com (the same path on the test server,
            # which plays both hosts): the second request gets the recorded 200 of the same post.
            target = next(x for x in REC if x["kind"] == "oembed" and x.get("id") == id_ and x["status"] == 200)
            ROUTES[oembed_path(id_)] = [served(e), served(target)]
            continue
        if e["status"] == 200:
            body = json.loads(e["body"])
            if any(x["kind"] == "oembed" and x.get("id") == id_ and x["status"] == 301 for x in REC):
                # This post's oEmbed is reached through the recorded 301 (see above).
                route(synd_path(id_), {"status": 500, "body": "unavailable"})
                markup = re.sub(r"<script[^>]*></script>", "", body["html"]).strip() + "\n"
                case("oe-doc-301-publish-x then %s: reached through oEmbed's recorded 301 to publish.x.com" % name, markup, "verified")
                continue
            # Syndication fails for these IDs, so oEmbed is the source that speaks.
            route(synd_path(id_), {"status": 500, "body": "unavailable"})
            route(oembed_path(id_), served(e))
            markup = re.sub(r"<script[^>]*></script>", "", body["html"]).strip() + "\n"
            case("%s: the recorded oEmbed blockquote itself" % name, markup, "verified")
            # The media link left out, t.co links over http.
            variant = re.sub(r'\s*<a href="[^"]*">pic\.twitter\.com/[A-Za-z0-9]+</a>', "", markup)
            variant = variant.replace("https://t.co/", "http://t.co/")
            if variant != markup:
                case("%s: oEmbed blockquote, media link left out, t.co over http" % name, variant, "verified")
        elif e["status"] == 404:
            route(synd_path(id_), {"status": 404, "headers": {"Content-Type": "text/html"}, "body": "<html></html>"})
            route(oembed_path(id_), served(e))
            case("%s: oEmbed 404" % name, embed("someone", "Someone", id_, "Gone words.", snowflake_date(id_)),
                 "missing", ["deleted"])
    elif kind == "x-api":
        body = json.loads(e["body"])
        route("/2/tweets?ids=%s&*" % id_, served(e))
        for t in body["data"]:
            if t["id"] != id_:
                continue
            route(synd_path(id_), {"status": 500, "body": "unavailable"})
            route(oembed_path(id_), {"status": 500, "body": "unavailable"})
            users = {u["id"]: u for u in body.get("includes", {}).get("users", [])}
            u = users.get(t.get("author_id"), {"username": "someone", "name": "Someone"})
            text = html.unescape(t["text"])
            case("%s: recorded X API v2 answer, the platform's embed code" % name,
                 embed(u["username"], u["name"], id_, render(text, {}, "embed"), shown_date(t.get("created_at"), id_)),
                 "verified")
    elif kind == "wayback-cdx":
        # Live sources fail and the Wayback Machine refuses the query.
        route(synd_path(id_), {"status": 500, "body": "unavailable"})
        route(oembed_path(id_), {"status": 500, "body": "unavailable"})
        route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/someone/status/%s" % id_, safe="") + "&*", served(e))
        case("%s: Wayback CDX answers 403 Blocked Site Error" % name,
             embed("someone", "Someone", id_, "Words no source will show.", snowflake_date(id_)),
             "unverifiable", ["network_error"])

# t.co: posts flattened into text (what RSS readers leave) whose only clue is a t.co link.
TEXT_CASES = []
for e in REC:
    if e["kind"] != "tco":
        continue
    if e["status"] == 200:
        # The t.co page browsers get (meta refresh + location.replace) to a bit.ly link that is gone:
        # the post cannot be found.
        route("/Lizw8srs", served(e))
        route("/XFwn3X", {"status": 404, "body": "gone"})
        route("/cdx/search/cdx?url=" + urllib.parse.quote("twitter.com/mechanize_fan/status/", safe="") + "&*",
              {"status": 200, "headers": {"Content-Type": "application/json"}, "body": "[]"})
        TEXT_CASES.append(("Mechanize 2.6 is out, with meta refresh support http://t.co/Lizw8srs\n"
                           "\u2014 Mechanize Fan (@mechanize_fan) February 19, 2013\n",
                           {"case": "%s: t.co's HTML page to a dead link" % e["case"], "verdict": "unverifiable",
                            "reasons": ["no_status_id"], "notes": []}))
    elif e["status"] == 301:
        # A hop that answers 301 to an x.com status URL: the status ID is read from the Location.
        route("/mFn7mcB1vy", served(e))
        TEXT_CASES.append(("RT @PabloHerreros Pepephone rompe la baraja - http://t.co/mFn7mcB1vy\n"
                           "\u2014 Pepephone (@pepephone) February 20, 2014\n",
                           {"case": "%s: a 301 to an x.com status URL" % e["case"], "verdict": "verified",
                            "reasons": [], "notes": []}))
text_page = ["Posts quoted by an RSS reader, each with its credit line:\n\n"]
line = 3
for body, exp in TEXT_CASES:
    exp["line"] = line
    exp["file"] = "check_recorded.txt"
    text_page.append(body + "\n")
    line += body.count("\n") + 1
    CASES.append((None, None, exp))
with open(os.path.join(ROOT, "fixtures/articles/check_recorded.txt"), "w", encoding="utf-8") as f:
    f.write("".join(text_page))

with open(os.path.join(ROOT, "fixtures/http/recorded.json"), "w", encoding="utf-8") as f:
    json.dump(ROUTES, f, indent=1, ensure_ascii=False)
    f.write("\n")
page = ["<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>check: recorded real responses</title></head><body>\n"]
expected = []
line = 3  # the line each case's heading stands on
for title, markup, exp in CASES:
    if title is None:
        expected.append(exp)
        continue
    page.append("<h2>%s</h2>\n" % html.escape(title, quote=False))
    line += 1
    exp["line"] = line
    page.append(markup)
    line += markup.count("\n")
    exp["file"] = "check_recorded.html"
    expected.append(exp)
page.append("</body></html>\n")
with open(os.path.join(ROOT, "fixtures/articles/check_recorded.html"), "w", encoding="utf-8") as f:
    f.write("".join(page))
with open(os.path.join(ROOT, "fixtures/recorded/expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=1, ensure_ascii=False)
    f.write("\n")
print("%d routes, %d cases" % (len(ROUTES), len(CASES)))
