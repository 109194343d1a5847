#!/bin/sh
# check-layering.sh - the engine (src/) must never include curses or
# libvterm: it reports through callbacks and never draws.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
bad=$(grep -l -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|curses|term|panel|vterm)[^>"]*[>"]' \
	"$SRCDIR"/src/*.c "$SRCDIR"/src/*.h 2>/dev/null)
if [ -n "$bad" ]; then
	echo "# the engine includes a terminal library: $bad"
	echo "not ok - layering: src/ includes no curses or vterm"
	exit 1
fi
n=$(ls "$SRCDIR"/src/*.c | wc -l)
if [ "$n" -lt 5 ]; then
	echo "not ok - layering: src/ holds the engine ($n files found)"
	exit 1
fi
echo "ok - layering: src/ includes no curses or vterm ($n files checked)"
