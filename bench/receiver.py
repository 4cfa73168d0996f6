"""A webhook receiver for bench/run: answers 204 to every POST and records, per delivery, the
lag from the change (the payload's `timestamp`) to its arrival. GET /stats returns
{"count", "duplicates", "first", "last", "p50_ms", "p95_ms", "max_ms"} (times in Unix
seconds). A bare asyncio HTTP/1.1 server: it takes a few tens of microseconds a request, so
the receiver is not what limits the delivery rate it measures.

    python3 bench/receiver.py PORT
"""
import asyncio, json, re, sys, time
from datetime import datetime

TIMESTAMP = re.compile(rb'"timestamp":"([^"]+)"')
lags, arrivals, ids = [], [], set()
duplicates = 0


def stats():
    ordered = sorted(lags)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0
    return {"count": len(lags), "duplicates": duplicates,
            "first": arrivals[0] if arrivals else 0, "last": arrivals[-1] if arrivals else 0,
            "p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": pick(1.0)}


async def handle(reader, writer):
    global duplicates
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            method = lines[0].split(b" ", 1)[0]
            headers = dict(l.split(b":", 1) for l in lines[1:] if b":" in l)
            headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
            body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
            if method == b"POST":
                now = time.time()
                found = TIMESTAMP.search(body)
                if found:
                    changed = datetime.fromisoformat(found.group(1).decode().replace("Z", "+00:00"))
                    lags.append(now - changed.timestamp())
                    arrivals.append(now)
                msg = headers.get(b"webhook-id")
                if msg in ids:
                    duplicates += 1
                ids.add(msg)
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            else:
                out = json.dumps(stats()).encode()
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                             + str(len(out)).encode() + b"\r\n\r\n" + out)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port):
    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


asyncio.run(main(int(sys.argv[1])))
