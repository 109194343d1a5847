#!/usr/bin/python3
"""pty-expect.py - drive an interactive program on a pseudo-terminal.

  pty-expect.py [--timeout S] [--transcript FILE] [--cols C --rows R] \\
      STEP... -- COMMAND [ARG...]

Runs COMMAND on a new pty (stdlib pty module) and performs the STEPs in order:
  expect:REGEX     wait (up to --timeout seconds per step) until the output
                   seen since the previous expect matches REGEX (Python re,
                   DOTALL, on latin-1 text)
  send:TEXT        write TEXT; the escapes \\r \\n \\t \\e \\xHH \\\\ are
                   understood
  sleep:SECONDS    pause
  eof              wait until COMMAND ends (its exit status becomes ours)
Exits 0 when every step succeeded, 1 on a failed expect (naming it), 124 on
the overall --max-seconds limit (default 120).  COMMAND is then sent SIGTERM,
then SIGKILL, by pid.  The whole output goes to --transcript FILE.
Environment passes through unchanged (e.g. IPMI_PASSWORD for ipmitool -E):
put no secret in the steps or the command line.
"""

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time


def unescape(s):
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            if n == "x" and i + 3 < len(s):
                out.append(chr(int(s[i + 2:i + 4], 16)))
                i += 4
                continue
            out.append({"r": "\r", "n": "\n", "t": "\t", "e": "\x1b", "\\": "\\"}.get(n, "\\" + n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out).encode("latin-1")


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print("usage: pty-expect.py [options] STEP... -- COMMAND...", file=sys.stderr)
        return 2
    k = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--transcript")
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("steps", nargs="*")
    a = ap.parse_args(argv[:k])
    cmd = argv[k + 1:]
    if not cmd:
        print("pty-expect.py: no command", file=sys.stderr)
        return 2

    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
    deadline = time.monotonic() + a.max_seconds
    transcript = open(a.transcript, "wb") if a.transcript else None
    pending = b""
    status = None
    eof = False

    def pump(limit):
        nonlocal pending, eof
        end = min(limit, deadline)
        while not eof:
            left = end - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([fd], [], [], min(left, 0.2))
            if r:
                try:
                    d = os.read(fd, 65536)
                except OSError:
                    d = b""
                if not d:
                    eof = True
                    return
                pending += d
                if transcript:
                    transcript.write(d)
                    transcript.flush()
                return

    rc = 0
    try:
        for step in a.steps:
            kind, _, arg = step.partition(":")
            if kind == "expect":
                rx = re.compile(arg, re.S)
                limit = time.monotonic() + a.timeout
                while True:
                    m = rx.search(pending.decode("latin-1"))
                    if m:
                        pending = pending[m.end():]
                        break
                    if eof or time.monotonic() >= min(limit, deadline):
                        print("pty-expect: no match for /%s/ within %gs; last output: %r"
                              % (arg, a.timeout, pending[-300:]), file=sys.stderr)
                        rc = 124 if time.monotonic() >= deadline else 1
                        raise StopIteration
                    pump(limit)
            elif kind == "send":
                os.write(fd, unescape(arg))
            elif kind == "sleep":
                end = time.monotonic() + float(arg)
                while time.monotonic() < end and not eof:
                    pump(end)
            elif kind == "eof":
                limit = time.monotonic() + a.timeout
                while not eof and time.monotonic() < min(limit, deadline):
                    pump(limit)
                if not eof:
                    print("pty-expect: command did not end", file=sys.stderr)
                    rc = 1
                    raise StopIteration
                _, st = os.waitpid(pid, 0)
                status = os.waitstatus_to_exitcode(st)
                rc = status if status >= 0 else 1
            else:
                print("pty-expect: bad step %r" % step, file=sys.stderr)
                rc = 2
                raise StopIteration
    except StopIteration:
        pass
    finally:
        if status is None:
            for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
                end = time.monotonic() + wait
                done = False
                while time.monotonic() < end:
                    if os.waitpid(pid, os.WNOHANG)[0] == pid:
                        done = True
                        break
                    time.sleep(0.05)
                if done:
                    break
        if transcript:
            transcript.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
