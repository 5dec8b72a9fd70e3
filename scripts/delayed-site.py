#!/usr/bin/env python3
"""A generated site whose every answer comes DELAY_MS late, as a real site's
does, for `scripts/bench-shared`: nginx cannot delay. One asyncio loop, so
many connections wait at once; HTTP/1.1 keep-alive.

  delayed-site.py PORT PAGES LINKS DELAY_MS

Serves on 127.0.0.1:PORT: `/` links to /p/0; /p/I (I < PAGES) links to
LINKS pages of the site (I+1 among them, so every page is reached) and,
every 50th page, to a missing /d/K (404, answered late as well);
everything else is a 404. Prints "ready" once it listens."""
import asyncio
import sys

PORT, PAGES, LINKS, DELAY_MS = (int(argument) for argument in sys.argv[1:5])


def page(path):
    """Status and HTML body of `path`."""
    if path == "/":
        return 200, '<a href="/p/0">start</a>'
    if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < PAGES:
        number = int(path[3:])
        targets = [(number + 1) % PAGES] + [(number * (7 + 6 * k) + 5 * k + 1) % PAGES for k in range(LINKS - 1)]
        links = [f'<a href="/p/{target}">page {target}</a>' for target in targets]
        if number % 50 == 0:
            links.append(f'<a href="/d/{number // 50 % 10}">gone</a>')
        return 200, f"<!doctype html><title>page {number}</title>\n" + "\n".join(links)
    return 404, "not here"


async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path = (lines[0].split(" ") + ["", ""])[:2]
            close = any(line.lower() == "connection: close" for line in lines[1:])
            status, body = page(path)
            await asyncio.sleep(DELAY_MS / 1000)
            payload = body.encode()
            writer.write(
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Not Found'}\r\n"
                f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(payload)}\r\n"
                f"{'Connection: close' + chr(13) + chr(10) if close else ''}\r\n".encode()
                + (b"" if method == "HEAD" else payload))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", PORT, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
