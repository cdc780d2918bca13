#!/usr/bin/env python3
"""A slow HTTP/1.1 worker for the scale benchmark: answers every request with {"ok":true} after a fixed delay.

Standard library only (asyncio). Keep-alive, Content-Length bodies, many thousands of idle connections per process.
Usage: delay_worker.py PORT [DELAY_SECONDS]
"""
import asyncio
import resource
import signal
import sys

RESPONSE_BODY = b'{"ok":true}'
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(RESPONSE_BODY)).encode() + b"\r\n\r\n" + RESPONSE_BODY)
BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
MAX_HEADER_BYTES = 64 * 1024


class Stats:
    open_connections = 0
    peak_connections = 0
    answered = 0


async def serve(reader, writer, delay):
    Stats.open_connections += 1
    Stats.peak_connections = max(Stats.peak_connections, Stats.open_connections)
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            length = 0
            close = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip() or b"0")
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
                elif name == b"transfer-encoding":
                    # the engine sends Content-Length bodies; anything else is a setup mistake worth seeing
                    writer.write(BAD_REQUEST)
                    await writer.drain()
                    return
            if length:
                await reader.readexactly(length)
            await asyncio.sleep(delay)
            writer.write(RESPONSE)
            await writer.drain()
            Stats.answered += 1
            if close:
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        Stats.open_connections -= 1
        writer.close()


async def main():
    port = int(sys.argv[1])
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server = await asyncio.start_server(lambda r, w: serve(r, w, delay), "127.0.0.1", port,
                                        backlog=4096, limit=MAX_HEADER_BYTES)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    # Close the listener only: waiting for open keep-alive connections would hang the shutdown.
    server.close()
    print(f"delay_worker port={port} answered={Stats.answered} peak_connections={Stats.peak_connections}",
          flush=True)


if __name__ == "__main__":
    asyncio.run(main())
