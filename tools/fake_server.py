#!/usr/bin/env python3
"""Loopback-only HTTP/1.1 server that replays recorded exchanges, for tests and benchmarks.

    fake_server.py [--routes FILE] [--tls-cert PEM --tls-key PEM] [--bench-latency-ms N]

Binds 127.0.0.1 on a free port and prints "PORT <n>" on stdout. Exits when stdin closes (so a
test that dies never leaves it running) or on SIGTERM.

Routes file (JSON): {"/path": [response, response, ...], ...}. The n-th request to a path gets
the n-th response (the last one repeats). A response: {"status": 301, "headers": {...},
"body": "...", "body_size": N (a body of N bytes instead), "body_file": PATH (the bytes of a file
instead), "delay_ms": N}. "{base}" in headers and
bodies becomes this server's own base URL, "{port}" its port, "{path}" the path requested. A path ending in "*" matches
any path with that prefix.

Bench mode (--bench-latency-ms N): GET /b/<code> answers, after N ms, 301 to
https://twitter.com/bench/status/<digits of code>.

GET /__stats returns {"requests": {path: count}, "total": n, "max_in_flight": n, "authorization":
{path: the last Authorization header sent for it}}; with --log-requests also "log": [[unix time,
path, status], ...] (the time the request arrived, whatever delay its answer had).

--limit PREFIX=R (repeatable): requests to paths starting with PREFIX beyond R in any second get
429 with Retry-After: 1 (counted in "limited").

A request in absolute form (GET http://HOST/PATH, as clients send to a forward proxy) is answered
as PATH, whatever HOST (counted in "proxied"): the server stands in for a plain-http proxy.
"""
import argparse
import asyncio
import json
import signal
import ssl
import sys
import time

STATS = {"requests": {}, "total": 0, "max_in_flight": 0, "authorization": {}, "limited": 0, "proxied": 0}
LIMITS = {}  # prefix -> (rate, [times of recent requests])
LOG = [None]  # the request log when --log-requests
IN_FLIGHT = [0]
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect",
           308: "Permanent Redirect", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 410: "Gone",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


def pick(routes, path, count):
    seq = routes.get(path)
    if seq is None:
        bare = path.split("?", 1)[0]
        seq = routes.get(bare)
    if seq is None:
        for key, value in routes.items():
            if key.endswith("*") and path.startswith(key[:-1]):
                seq = value
                break
    if seq is None:
        return {"status": 404, "body": "no such route\n"}
    return seq[min(count - 1, len(seq) - 1)]


def synthetic(path):
    """A syndication answer for any ID (benchmarks of whole audits)."""
    if not path.startswith("/tweet-result?"):
        return None
    query = dict(kv.split("=", 1) for kv in path.split("?", 1)[1].split("&") if "=" in kv)
    id_ = query.get("id", "0")
    return {"status": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"__typename": "Tweet", "id_str": id_, "text": "Synthetic post %s" % id_,
                                "created_at": "2020-01-01T00:00:00.000Z", "user": {"screen_name": "bench", "name": "Bench"},
                                "entities": {"urls": [], "media": []}})}


async def handle(reader, writer, routes, base, port, bench_ms, delay_ms=0, synth=False):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            parts = line.decode("latin-1").split()
            if len(parts) < 2:
                break
            path = parts[1]
            if path.startswith("http://"):
                # A forward proxy's request (absolute form): answered as the path it names.
                STATS["proxied"] += 1
                path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
            arrived = time.time()
            length = 0
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                name, _, value = h.decode("latin-1").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip() or 0)
                if name.strip().lower() == "authorization" and path != "/__stats":
                    STATS["authorization"][path] = value.strip()
            if length:
                await reader.readexactly(length)
            if path == "/__stats":
                body = json.dumps(dict(STATS, log=LOG[0]) if LOG[0] is not None else STATS).encode()
                resp = {"status": 200, "headers": {"Content-Type": "application/json"}}
            else:
                STATS["total"] += 1
                STATS["requests"][path] = STATS["requests"].get(path, 0) + 1
                IN_FLIGHT[0] += 1
                STATS["max_in_flight"] = max(STATS["max_in_flight"], IN_FLIGHT[0])
                limited = None
                now = time.time()
                for prefix, (rate, recent) in LIMITS.items():
                    if path.startswith(prefix):
                        while recent and recent[0] <= now - 1:
                            recent.pop(0)
                        if len(recent) >= rate:
                            limited = {"status": 429, "headers": {"Retry-After": "1"}, "body": "slow down\n"}
                            STATS["limited"] += 1
                        else:
                            recent.append(now)
                try:
                    if limited:
                        resp = limited
                    elif bench_ms is not None and path.startswith("/b/"):
                        await asyncio.sleep(bench_ms / 1000)
                        digits = "".join(c for c in path if c.isdigit()) or "1"
                        resp = {"status": 301, "headers": {"Location": "https://twitter.com/bench/status/1" + digits}}
                    else:
                        resp = (synth and synthetic(path)) or pick(routes, path, STATS["requests"][path])
                        if delay_ms:
                            await asyncio.sleep(delay_ms / 1000)
                        if resp.get("delay_ms"):
                            await asyncio.sleep(resp["delay_ms"] / 1000)
                finally:
                    IN_FLIGHT[0] -= 1
                if "body_size" in resp:
                    body = b"x" * int(resp["body_size"])
                elif "body_file" in resp:
                    with open(resp["body_file"], "rb") as f:
                        body = f.read()
                else:
                    body = resp.get("body", "").replace("{base}", base).replace("{port}", str(port)).encode()
            status = int(resp.get("status", 200))
            if LOG[0] is not None and path != "/__stats":
                LOG[0].append([arrived, path, status])
            head = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Status"))]
            headers = {"Content-Length": str(len(body)), "Connection": "keep-alive"}
            headers.update({k: str(v).replace("{base}", base).replace("{port}", str(port)).replace("{path}", path)
                            for k, v in resp.get("headers", {}).items()})
            head += ["%s: %s" % kv for kv in headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--routes")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--bench-latency-ms", type=float)
    ap.add_argument("--delay-ms", type=float, default=0, help="added to every response")
    ap.add_argument("--synthetic", action="store_true",
                    help="answer any /tweet-result?id=ID with a syndication tweet (benchmarks); other unknown paths 404")
    ap.add_argument("--limit", action="append", default=[], help="PREFIX=R: 429 above R requests per second")
    ap.add_argument("--log-requests", action="store_true", help="keep [time, path, status] of every request")
    args = ap.parse_args()
    for spec in args.limit:
        prefix, _, rate = spec.rpartition("=")
        LIMITS[prefix] = (float(rate), [])
    if args.log_requests:
        LOG[0] = []
    routes = json.load(open(args.routes)) if args.routes else {}
    ctx = None
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
    state = {}

    async def on_client(r, w):
        await handle(r, w, routes, state["base"], state["port"], args.bench_latency_ms, args.delay_ms, args.synthetic)

    server = await asyncio.start_server(on_client, "127.0.0.1", 0, ssl=ctx, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    state["port"] = port
    state["base"] = "%s://127.0.0.1:%d" % ("https" if ctx else "http", port)
    print("PORT %d" % port, flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, lambda: stop.done() or stop.set_result(None))
    # Stop when stdin closes: the parent is gone.
    loop.add_reader(sys.stdin.fileno(), lambda: (sys.stdin.buffer.read1(65536) or None) or (stop.done() or stop.set_result(None)))
    async with server:
        await stop


if __name__ == "__main__":
    asyncio.run(main())
