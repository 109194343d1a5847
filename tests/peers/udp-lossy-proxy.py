#!/usr/bin/python3
"""udp-lossy-proxy.py - a loopback UDP proxy that loses and delays packets.

Listens on 127.0.0.1:LISTEN and forwards each datagram to 127.0.0.1:TARGET
through one upstream socket per client address, so replies find their way
back.  Each direction drops a fraction of datagrams (--loss, or --loss-up for
client->target and --loss-down for target->client) chosen by a seeded PRNG
(--seed), and may delay them (--delay-ms, --jitter-ms: uniform extra 0..J).

SIGUSR1 toggles a blackhole (drop everything both ways) for outage tests.
On SIGTERM, SIGINT or after --max-seconds (default 600) it writes its
counters as KEY=VALUE lines to --stats FILE (and stderr) and exits.
--ready-file FILE is written once it listens.  It only ever sends to
127.0.0.1: any other --target-host is refused.
"""

import argparse
import asyncio
import os
import random
import signal
import socket
import sys

ALLOWED = "127.0.0.1"


class Stats(dict):
    def bump(self, k, n=1):
        self[k] = self.get(k, 0) + n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1")
    ap.add_argument("--target", type=int, required=True, help="port on 127.0.0.1")
    ap.add_argument("--target-host", default=ALLOWED)
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--loss-up", type=float)
    ap.add_argument("--loss-down", type=float)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--delay-ms", type=float, default=0.0)
    ap.add_argument("--jitter-ms", type=float, default=0.0)
    ap.add_argument("--stats")
    ap.add_argument("--ready-file")
    ap.add_argument("--max-seconds", type=float, default=600)
    a = ap.parse_args()
    if a.target_host != ALLOWED:
        print("udp-lossy-proxy: refusing target %s: loopback 127.0.0.1 only"
              % a.target_host, file=sys.stderr)
        return 2
    loss_up = a.loss if a.loss_up is None else a.loss_up
    loss_down = a.loss if a.loss_down is None else a.loss_down
    for v in (loss_up, loss_down):
        if not 0.0 <= v <= 1.0:
            print("udp-lossy-proxy: loss must be within 0..1", file=sys.stderr)
            return 2
    if not (0 < a.listen < 65536 and 0 < a.target < 65536):
        print("udp-lossy-proxy: bad port", file=sys.stderr)
        return 2

    rng = random.Random(a.seed)
    stats = Stats(up_in=0, up_drop=0, up_out=0, down_in=0, down_drop=0,
                  down_out=0, clients=0)
    state = {"blackhole": False}
    loop = asyncio.new_event_loop()
    done = loop.create_future()
    target = (ALLOWED, a.target)

    def later(fn):
        d = a.delay_ms + (rng.uniform(0, a.jitter_ms) if a.jitter_ms > 0 else 0)
        if d > 0:
            loop.call_later(d / 1000.0, fn)
        else:
            fn()

    class Upstream(asyncio.DatagramProtocol):
        def __init__(self, client, front):
            self.client = client
            self.front = front
            self.transport = None
            self.pending = []

        def connection_made(self, transport):
            self.transport = transport
            for d in self.pending:
                transport.sendto(d)
            self.pending = []

        def datagram_received(self, data, addr):
            stats.bump("down_in")
            if addr != target or state["blackhole"] or rng.random() < loss_down:
                stats.bump("down_drop")
                return

            def send():
                stats.bump("down_out")
                self.front.transport.sendto(data, self.client)
            later(send)

    class Front(asyncio.DatagramProtocol):
        def __init__(self):
            self.transport = None
            self.ups = {}

        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            stats.bump("up_in")
            if state["blackhole"] or rng.random() < loss_up:
                stats.bump("up_drop")
                return
            up = self.ups.get(addr)
            if up is None:
                if len(self.ups) >= 4096:
                    stats.bump("up_drop")
                    return
                stats.bump("clients")
                up = Upstream(addr, self)
                self.ups[addr] = up
                loop.create_task(loop.create_datagram_endpoint(
                    lambda: up, local_addr=(ALLOWED, 0), remote_addr=target))

            def send():
                stats.bump("up_out")
                if up.transport is not None:
                    up.transport.sendto(data)
                elif len(up.pending) < 64:
                    up.pending.append(data)
            later(send)

    async def run():
        await loop.create_datagram_endpoint(Front, local_addr=(ALLOWED, a.listen),
                                            family=socket.AF_INET)
        if a.ready_file:
            tmp = a.ready_file + ".tmp"
            with open(tmp, "w") as f:
                f.write("%d %d\n" % (os.getpid(), a.listen))
            os.rename(tmp, a.ready_file)
        loop.call_later(a.max_seconds, lambda: done.done() or done.set_result("max-seconds"))
        return await done

    def stop(why):
        if not done.done():
            done.set_result(why)

    loop.add_signal_handler(signal.SIGTERM, stop, "SIGTERM")
    loop.add_signal_handler(signal.SIGINT, stop, "SIGINT")
    loop.add_signal_handler(signal.SIGUSR1,
                            lambda: state.__setitem__("blackhole", not state["blackhole"]))
    why = loop.run_until_complete(run())
    text = "".join("%s=%d\n" % kv for kv in sorted(stats.items())) + "exit=%s\n" % why
    if a.stats:
        tmp = a.stats + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, a.stats)
    sys.stderr.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
