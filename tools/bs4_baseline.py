#!/usr/bin/python3
"""Benchmark baseline: find tweet embeds in every HTML response of a WARC with BeautifulSoup
(Debian's python3-bs4, html.parser) — what a researcher's quick script would do. Prints the pages
and embeds found."""
import sys

from bs4 import BeautifulSoup


def records(path):
    with open(path, "rb") as f:
        while True:
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = f.readline()
                if not line:
                    return
                head += line
            fields = dict(l.split(b":", 1) for l in head.split(b"\r\n")[1:] if b":" in l)
            n = int(fields[b"Content-Length"].strip())
            body = f.read(n)
            f.read(4)
            if fields.get(b"WARC-Type", b"").strip() == b"response":
                yield body.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in body else body


pages = embeds = 0
for html in records(sys.argv[1]):
    pages += 1
    soup = BeautifulSoup(html, "html.parser")
    embeds += len(soup.select("blockquote.twitter-tweet, blockquote.twitter-video, amp-twitter, .twitter-tweet-rendered"))
print("%d pages, %d embeds" % (pages, embeds))
