#!/usr/bin/env python3
"""Writes the end-to-end fixtures of the Bluesky source:

  fixtures/http/bluesky.json               routes for tools/fake_server.py playing the public
                                           AppView (public.api.bsky.app): resolveHandle, getPosts,
                                           getPostThread
  fixtures/articles/check_bluesky.html     one embed per case: verified (a link shown shortened, a
                                           link card), altered, misattributed (another DID),
                                           handle_changed (same DID), record_changed (another CID),
                                           deleted (NotFound; notFoundPost), blocked (blockedPost),
                                           taken_down (a !takedown label), a permalink with a handle,
                                           a permalink whose handle names no account (account_gone)
  fixtures/articles/check_bluesky_batch.html  30 embeds: two getPosts requests (25 + 5 URIs)

Provenance. No public repository we could find records live answers of these endpoints (client
libraries and tests write their own bodies, the AppView's own test snapshots replace every CID and
DID with placeholders), so every body here is built from the Lexicon, field by field, and marked so:
  * postView, threadViewPost, notFoundPost, blockedPost, blockedAuthor:
    github:bluesky-social/atproto lexicons/app/bsky/feed/defs.json
    at 027898ad9cbc0836eecd5e426c9d391e3445407d (MIT / Apache-2.0);
  * getPosts ({"posts": [postView]}, `uris` repeated, at most 25), getPostThread ({"thread": …},
    error NotFound), com.atproto.identity.resolveHandle ({"did": …}; 400 InvalidRequest "Unable to
    resolve handle" for a handle that names no account), labels (com.atproto.label.defs#label,
    `val` "!takedown"), facets (app.bsky.richtext.facet: byte slices, #link features): the lexicons
    beside it in the same repository and commit;
  * the embed markup: Bluesky's embed code as the corpus page
    fixtures/corpus/fundus/fr__EuronewsFR_2026_01_06.html carries it (blockquote.bluesky-embed with
    data-bluesky-uri and data-bluesky-cid, the text, "[image or embed]" linking the post when it has
    images or a card, "— Name (@handle) date").
Accounts, DIDs, CIDs and texts are made up (example.com/.org/.net handles); the labeler DID is
Bluesky's moderation service's. Run it again after changing a case; the outputs are committed.
"""
import json
import os
import urllib.parse

ROOT = os.path.join(os.path.dirname(__file__), "..")
ROUTES = {"_provenance": "built from the Lexicon (github:bluesky-social/atproto lexicons/ at "
                         "027898ad9cbc0836eecd5e426c9d391e3445407d); see tools/make_bluesky_fixtures.py"}
B32 = "abcdefghijklmnopqrstuvwxyz234567"
MODERATION = "did:plc:ar7c4by46qjdydhdevvrndac"


def did(name):
    return "did:plc:" + (name + "".join(B32[(i * 7 + len(name)) % 32] for i in range(24)))[:24]


def cid(seed):
    return "bafyrei" + "".join(B32[(ord(c) * 13 + i * 5) % 32] for i, c in enumerate((seed * 60)[:52]))


def uri(account, rkey):
    return "at://%s/app.bsky.feed.post/%s" % (did(account), rkey)


def q(s):
    return urllib.parse.quote(s, safe="")


def xrpc(method, query):
    return "/xrpc/%s?%s" % (method, query)


def ok(body):
    return {"status": 200, "headers": {"Content-Type": "application/json; charset=utf-8"}, "body": json.dumps(body)}


def xrpc_error(status, error, message):
    return {"status": status, "headers": {"Content-Type": "application/json; charset=utf-8"},
            "body": json.dumps({"error": error, "message": message})}


ACCOUNTS = {
    "newsdesk": ("newsdesk.example.com", "Newsdesk"),
    "alice": ("alice.example.com", "Alice"),
    "bob": ("bob.example.com", "Bob Writer"),
    "carol": ("carol.example.org", "Carol"),
    "dave": ("dave.example.net", "Dave"),
}


def author(account, labels=()):
    handle, name = ACCOUNTS[account]
    return {"did": did(account), "handle": handle, "displayName": name, "avatar":
            "https://cdn.bsky.app/img/avatar/plain/%s/%s@jpeg" % (did(account), cid(account + "avatar")),
            "viewer": {"muted": False, "blockedBy": False}, "labels": list(labels),
            "createdAt": "2023-04-18T09:12:00.000Z"}


def facet_link(text, shown, target):
    start = text.encode("utf-8").index(shown.encode("utf-8"))
    return {"index": {"byteStart": start, "byteEnd": start + len(shown.encode("utf-8"))},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": target}]}


def post_view(account, rkey, text, created, facets=(), card=None, labels=(), author_labels=(), version=""):
    record = {"$type": "app.bsky.feed.post", "createdAt": created, "langs": ["en"], "text": text}
    if facets:
        record["facets"] = list(facets)
    view = {"uri": uri(account, rkey), "cid": cid(rkey + version), "author": author(account, author_labels),
            "record": record, "replyCount": 3, "repostCount": 12, "likeCount": 40, "quoteCount": 1,
            "indexedAt": created, "viewer": {"threadMuted": False, "embeddingDisabled": False},
            "labels": list(labels)}
    if card:
        record["embed"] = {"$type": "app.bsky.embed.external", "external": {
            "uri": card, "title": "Find your polling place", "description": "", "thumb": {
                "$type": "blob", "ref": {"$link": cid(rkey + "thumb")}, "mimeType": "image/jpeg", "size": 48213}}}
        view["embed"] = {"$type": "app.bsky.embed.external#view", "external": {
            "uri": card, "title": "Find your polling place", "description": "",
            "thumb": "https://cdn.bsky.app/img/feed_thumbnail/plain/%s/%s@jpeg" % (did(account), cid(rkey + "thumb"))}}
    return view


def embed(account_uri_did, rkey, text, name, handle, date, pinned_cid=None, with_card=False, carry_uri=True,
          profile=None):
    """Bluesky's embed code (as the corpus page carries it)."""
    permalink = "https://bsky.app/profile/%s/post/%s" % (profile or account_uri_did, rkey)
    attrs = ""
    if carry_uri:
        attrs += ' data-bluesky-uri="at://%s/app.bsky.feed.post/%s"' % (account_uri_did, rkey)
        if pinned_cid:
            attrs += ' data-bluesky-cid="%s"' % pinned_cid
        attrs += ' data-bluesky-embed-color-mode="system"'
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
    if with_card:
        body += '<br><br><a href="%s?ref_src=embed">[image or embed]</a>' % permalink
    return ('<blockquote class="bluesky-embed"%s><p lang="en">%s</p>&mdash; %s (<a href="https://bsky.app/profile/%s'
            '?ref_src=embed">@%s</a>) <a href="%s?ref_src=embed">%s</a></blockquote>'
            % (attrs, body, name, profile or account_uri_did, handle, permalink, date))


CASES = []  # (key, embed html, view or None) in article order
THREADS = {}
HANDLES = {}

# 1. verified: the link is shown shortened, as Bluesky's composer writes it; the card makes the
#    embed show "[image or embed]".
t1 = "Polls close at 8pm tonight. Find your polling place: vote.example.org/find-your-po..."
v1 = post_view("newsdesk", "3lad2uxlpmk2a", t1, "2024-11-05T14:03:11.250Z",
               [facet_link(t1, "vote.example.org/find-your-po...", "https://vote.example.org/find-your-polling-place?state=all")],
               card="https://vote.example.org/find-your-polling-place?state=all")
CASES.append(("verified", embed(did("newsdesk"), "3lad2uxlpmk2a", t1, "Newsdesk", "newsdesk.example.com",
                                "November 5, 2024 at 2:03 PM", v1["cid"], with_card=True), v1))
# 2. altered: a number changed.
t2 = "Turnout reached 61% by noon, officials said."
v2 = post_view("newsdesk", "3lad3bq2cws2b", t2, "2024-11-05T16:40:00.000Z")
CASES.append(("altered", embed(did("newsdesk"), "3lad3bq2cws2b", t2.replace("61%", "71%"), "Newsdesk",
                               "newsdesk.example.com", "November 5, 2024 at 4:40 PM", v2["cid"]), v2))
# 3. misattributed: Bob's post credited to Alice (whose handle names another DID).
t3 = "The bridge will stay closed until March."
v3 = post_view("bob", "3lae4kfy7fs2c", t3, "2024-11-06T08:15:30.000Z")
CASES.append(("misattributed", embed(did("bob"), "3lae4kfy7fs2c", t3, "Alice", "alice.example.com",
                                     "November 6, 2024 at 8:15 AM", v3["cid"]), v3))
HANDLES["alice.example.com"] = ok({"did": did("alice")})
# 4. handle_changed: Carol was oldname.example.com when the article embedded her post; that handle
#    names no account now, and the DID the embed carries is hers.
t4 = "Our survey found 3 in 4 readers want more local news."
v4 = post_view("carol", "3laf5m3zq2k2d", t4, "2024-11-07T10:00:00.000Z")
CASES.append(("handle_changed", embed(did("carol"), "3laf5m3zq2k2d", t4, "Carol", "oldname.example.com",
                                      "November 7, 2024 at 10:00 AM", v4["cid"]), v4))
HANDLES["oldname.example.com"] = xrpc_error(400, "InvalidRequest", "Unable to resolve handle")
# 5. record_changed: the embed pins another CID than the record has now; same text.
t5 = "Results will be certified on Friday."
v5 = post_view("newsdesk", "3lag6n4ar3l2e", t5, "2024-11-08T12:30:00.000Z", version="v2")
CASES.append(("record_changed", embed(did("newsdesk"), "3lag6n4ar3l2e", t5, "Newsdesk", "newsdesk.example.com",
                                      "November 8, 2024 at 12:30 PM", cid("3lag6n4ar3l2e")), v5))
# 6. deleted: getPosts leaves it out, getPostThread says NotFound.
u6 = uri("newsdesk", "3lah7o5bs4m2f")
CASES.append(("deleted", embed(did("newsdesk"), "3lah7o5bs4m2f", "An early count showed a tie.", "Newsdesk",
                               "newsdesk.example.com", "November 9, 2024 at 9:00 AM", cid("3lah7o5bs4m2f")), None))
THREADS[u6] = xrpc_error(400, "NotFound", "Post not found: " + u6)
# 7. deleted: a thread whose post is a notFoundPost.
u7 = uri("newsdesk", "3lai8p6ct5n2g")
CASES.append(("deleted_not_found_post", embed(did("newsdesk"), "3lai8p6ct5n2g", "Recount requested in two counties.",
                                              "Newsdesk", "newsdesk.example.com", "November 10, 2024 at 11:20 AM",
                                              cid("3lai8p6ct5n2g")), None))
THREADS[u7] = ok({"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": u7, "notFound": True}})
# 8. blocked: a blockedPost.
u8 = uri("bob", "3laj9q7du6o2h")
CASES.append(("blocked", embed(did("bob"), "3laj9q7du6o2h", "Road works start Monday.", "Bob Writer",
                               "bob.example.com", "November 11, 2024 at 7:45 AM", cid("3laj9q7du6o2h")), None))
THREADS[u8] = ok({"thread": {"$type": "app.bsky.feed.defs#blockedPost", "uri": u8, "blocked": True,
                             "author": {"did": did("bob"), "viewer": {"blockedBy": True}}}})
# 9. taken_down: the moderation service's !takedown label on the post.
t9 = "Leaked ballots found in a river."
v9 = post_view("dave", "3lak2r8ev7p2i", t9, "2024-11-12T18:05:00.000Z",
               labels=[{"src": MODERATION, "uri": uri("dave", "3lak2r8ev7p2i"), "cid": cid("3lak2r8ev7p2i"),
                        "val": "!takedown", "cts": "2024-11-12T20:00:00.000Z"}])
CASES.append(("taken_down", embed(did("dave"), "3lak2r8ev7p2i", t9, "Dave", "dave.example.net",
                                  "November 12, 2024 at 6:05 PM", v9["cid"]), v9))
# 10. a permalink with a handle (no at:// URI in the markup): resolveHandle first.
t10 = "Polling stations are open until 8pm."
v10 = post_view("dave", "3lal3s9fw8q2j", t10, "2024-11-05T07:00:00.000Z")
CASES.append(("permalink", embed(did("dave"), "3lal3s9fw8q2j", t10, "Dave", "dave.example.net",
                                 "November 5, 2024 at 7:00 AM", carry_uri=False, profile="dave.example.net"), v10))
HANDLES["dave.example.net"] = ok({"did": did("dave")})
# 11. a permalink whose handle names no account: account_gone.
CASES.append(("permalink_gone", embed(did("erin"), "3lam4t2gx9r2k", "See you at the count.", "Erin", "erin.example.net",
                                      "November 5, 2024 at 9:30 PM", carry_uri=False, profile="erin.example.net"),
              None))
HANDLES["erin.example.net"] = xrpc_error(400, "InvalidRequest", "Unable to resolve handle")


def route(path, *responses):
    ROUTES[path] = list(responses)


def posts_routes(keys_to_uri, views):
    """getPosts as the verifier asks it: lookups in key order, 25 URIs a request."""
    uris = []
    for key in sorted(keys_to_uri):
        if keys_to_uri[key] not in uris:
            uris.append(keys_to_uri[key])
    for i in range(0, len(uris), 25):
        batch = uris[i:i + 25]
        route(xrpc("app.bsky.feed.getPosts", "&".join("uris=" + q(u) for u in batch)),
              ok({"posts": [views[u] for u in batch if u in views]}))


keys = {}
views = {}
rows = []
for name, html, view in CASES:
    if name == "permalink":
        keys["https://bsky.app/profile/dave.example.net/post/3lal3s9fw8q2j"] = view["uri"]
    elif name == "permalink_gone":
        pass  # never reaches getPosts
    else:
        u = html.split('data-bluesky-uri="', 1)[1].split('"', 1)[0]
        keys[u] = u
    if view:
        views[view["uri"]] = view
    rows.append(html)
posts_routes(keys, views)
for u, resp in THREADS.items():
    route(xrpc("app.bsky.feed.getPostThread", "uri=%s&depth=0&parentHeight=0" % q(u)), resp)
for h, resp in HANDLES.items():
    route(xrpc("com.atproto.identity.resolveHandle", "handle=" + q(h)), resp)

with open(os.path.join(ROOT, "fixtures/articles/check_bluesky.html"), "w", encoding="utf-8") as f:
    f.write("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Election night, as posted</title></head>\n"
            "<body><article>\n")
    for name, html, _ in CASES:
        f.write("<!-- %s -->\n%s\n" % (name, html))
    f.write('<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>\n'
            "</article></body></html>\n")

# The batch: 30 posts of one account.
batch_keys = {}
batch_views = {}
with open(os.path.join(ROOT, "fixtures/articles/check_bluesky_batch.html"), "w", encoding="utf-8") as f:
    f.write("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Thirty posts</title></head>\n<body>\n")
    for n in range(1, 31):
        rkey = "3lbb" + B32[n % 32] + B32[(n * 3) % 32] + "x7kq2" + B32[n] + "2a"
        text = "Live update %d of 30: counting continues in ward %d." % (n, n)
        v = post_view("newsdesk", rkey, text, "2024-11-06T%02d:%02d:00.000Z" % (n % 24, n))
        batch_views[v["uri"]] = v
        batch_keys[v["uri"]] = v["uri"]
        hour = n % 24
        shown = "%d:%02d %s" % (12 if hour % 12 == 0 else hour % 12, n, "AM" if hour < 12 else "PM")
        f.write(embed(did("newsdesk"), rkey, text, "Newsdesk", "newsdesk.example.com",
                      "November 6, 2024 at " + shown, v["cid"]) + "\n")
    f.write("</body></html>\n")
posts_routes(batch_keys, batch_views)

with open(os.path.join(ROOT, "fixtures/http/bluesky.json"), "w", encoding="utf-8") as f:
    json.dump(ROUTES, f, indent=1, ensure_ascii=False)
    f.write("\n")
