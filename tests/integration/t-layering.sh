#!/bin/bash
# t-layering.sh - tests/check-layering.sh catches what it is there to catch.
#
# The check passes on the tree as it is; then, on a copy of src/ and ui/,
# each kind of forbidden include is added to one file and the check must
# fail naming that file: a codec reaching libuv through a header, core/
# including a protocol's header, ipmi/ and redfish/ including each other,
# the engine including a ui/ header or curses, the dashboard including the
# command line's header, and a file outside any folder.
. "$SRCDIR/tests/lib/tap.sh"
need cc
need pkg-config

check_sh="$SRCDIR/tests/check-layering.sh"
out=$(sh "$check_sh" 2>&1)
is "the check passes on the tree as it is" "$?" 0
like "... and checks every folder" "$out" 'below it \( backend console core ipmi redfish tls vnc \)'
like "... and the codecs" "$out" 'codecs reach no libuv.*\([0-9]+ codecs\)'

# broken NAME FILE LINE PATTERN: copy src/ (and the fuzz stub config.h the
# check preprocesses with), add LINE after the first include of FILE, and
# expect the check to fail with PATTERN in its output.
n_case=0
broken() {
	local name=$1 file=$2 line=$3 pattern=$4 root="$T_TMP/case$((++n_case))"
	mkdir -p "$root/fuzz"
	cp -r "$SRCDIR/src" "$root/src"
	cp -r "$SRCDIR/fuzz/stub" "$root/fuzz/stub"
	cp -r "$SRCDIR/ui" "$root/ui"
	awk -v add="$line" '{ print } !done && /^#include/ { print add; done = 1 }' \
		"$SRCDIR/src/$file" >"$root/src/$file"
	local got rc
	got=$(SRCDIR="$root" sh "$check_sh" 2>&1)
	rc=$?
	is "$name: the check fails" "$rc" 1
	like "$name: ... and names the offence" "$got" "$pattern"
}

broken "a codec includes the engine (libuv through it)" ipmi/sdr.c '#include "core/engine.h"' \
	'not ok - layering: codecs reach no libuv.*ipmi/sdr\.c\(uv\.h'
broken "core includes a protocol header" core/engine.c '#include "ipmi/session.h"' \
	'not ok - layering: each folder.*core/engine\.c->ipmi/session\.h'
broken "ipmi includes redfish" ipmi/backend.c '#include "redfish/parse.h"' \
	'not ok - layering: each folder.*ipmi/backend\.c->redfish/parse\.h'
broken "redfish includes ipmi" redfish/parse.c '#include "ipmi/sdr.h"' \
	'not ok - layering: each folder.*redfish/parse\.c->ipmi/sdr\.h'
broken "the engine includes curses" vnc/rfb.c '#include <ncurses.h>' \
	'not ok - layering: src/ includes no curses.*vnc/rfb\.c\(ncurses\.h\)'
broken "the engine includes a ui header" core/log.c '#include "tui/tui.h"' \
	'not ok - layering: src/ includes no curses.*core/log\.c\(tui/tui\.h\)'
# The dashboard including the command line's header.
mkdir -p "$T_TMP/tuicli/fuzz" && cp -r "$SRCDIR/src" "$T_TMP/tuicli/src" &&
	cp -r "$SRCDIR/fuzz/stub" "$T_TMP/tuicli/fuzz/stub" && cp -r "$SRCDIR/ui" "$T_TMP/tuicli/ui" &&
	awk '{ print } !done && /^#include "/ { print "#include \"cli/cli.h\""; done = 1 }' \
		"$SRCDIR/ui/tui/list.c" >"$T_TMP/tuicli/ui/tui/list.c"
got=$(SRCDIR="$T_TMP/tuicli" sh "$check_sh" 2>&1)
is "the dashboard includes the command line: the check fails" "$?" 1
like "the dashboard includes the command line: ... and names it" "$got" \
	'not ok - layering: ui/tui includes no ui/cli header: ui/tui/list\.c\(cli/cli\.h\)'
# A file outside any folder.
printf '/* stray */\n' >"$T_TMP/stray.c"
rm -rf "$T_TMP/stray" && mkdir -p "$T_TMP/stray/fuzz" && cp -r "$SRCDIR/src" "$T_TMP/stray/src" &&
	cp -r "$SRCDIR/fuzz/stub" "$T_TMP/stray/fuzz/stub" && cp -r "$SRCDIR/ui" "$T_TMP/stray/ui" && cp "$T_TMP/stray.c" "$T_TMP/stray/src/stray.c"
got=$(SRCDIR="$T_TMP/stray" sh "$check_sh" 2>&1)
is "a file outside the folders: the check fails" "$?" 1
like "a file outside the folders: ... and names it" "$got" 'stray\.c\(not in a folder\)'
exit 0
