#!/usr/bin/python3
"""measure.py - run a command; print its wall time, CPU time and peak RSS.

    bench/measure.py LABEL COMMAND [ARGS...]

Prints one line "LABEL wall=S cpu=S rss_kb=N rc=N" on stderr-free stdout.
CPU time is user + system of the command and every descendant it waited
for; peak RSS is the largest of any single one of them (getrusage).
The command's own output goes to /dev/null unless BENCH_KEEP_OUTPUT names a
file.
"""
import os
import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: measure.py LABEL COMMAND [ARGS...]")
    label, cmd = sys.argv[1], sys.argv[2:]
    out = open(os.environ.get("BENCH_KEEP_OUTPUT", os.devnull), "w")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    rc = subprocess.call(cmd, stdout=out, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print("%s wall=%.3f cpu=%.3f rss_kb=%d rc=%d" % (label, wall, cpu, after.ru_maxrss, rc))


if __name__ == "__main__":
    main()
