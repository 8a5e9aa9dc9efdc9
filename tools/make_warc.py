#!/usr/bin/env python3
"""Writes a WARC (or, for a .warc.gz name, a gzipped WARC with one gzip member per record, as
crawlers write them) from HTML files: a warcinfo record, then a request and a response record per
page. Used by the tests and the audit benchmark.

    make_warc.py OUT.warc[.gz] --base https://site.example/ [--date 2021-07-29T00:00:00Z] FILE...
    make_warc.py OUT.warc.gz --repeat N --base ... FILE...     (N copies of the list, for size)
"""
import argparse
import gzip
import os
import uuid


def record(rtype, uri, date, payload, content_type):
    head = ("WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
            "Content-Type: %s\r\nContent-Length: %d\r\n\r\n" % (rtype, uri, date, uuid.uuid4(), content_type, len(payload)))
    return head.encode() + payload + b"\r\n\r\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--base", default="https://news.example/")
    ap.add_argument("--date", default="2021-07-29T00:00:00Z")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    gz = a.out.endswith(".gz")
    with open(a.out, "wb") as f:
        def put(rec):
            f.write(gzip.compress(rec, compresslevel=1) if gz else rec)
        put(record("warcinfo", "", a.date, b"software: tweetcheck make_warc.py\r\n", "application/warc-fields"))
        n = 0
        for r in range(a.repeat):
            for path in a.files:
                body = open(path, "rb").read()
                uri = a.base + ("%d/" % r if a.repeat > 1 else "") + os.path.basename(path)
                put(record("request", uri, a.date, ("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % os.path.basename(path)).encode(),
                           "application/http; msgtype=request"))
                http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(body)
                put(record("response", uri, a.date, http + body, "application/http; msgtype=response"))
                n += 1
    print("%d pages" % n)


if __name__ == "__main__":
    main()
