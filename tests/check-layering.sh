#!/bin/sh
# check-layering.sh - the folders' include rules (HACKING, "The tree").
#
#   1. src/ never includes a terminal library (curses, libvterm) nor a
#      header of ui/: the engine reports through callbacks and never draws.
#   2. Each folder of src/ includes only the folders below it:
#        core     core, and backend/backend.h (the ops table it dispatches to)
#        tls      core, tls
#        backend  core, backend
#        ipmi     core, backend, ipmi
#        redfish  core, backend, tls, redfish
#        console  core, ipmi, console
#        vnc      core, tls, redfish, vnc
#      so ipmi/ and redfish/ never include each other, and core/ includes
#      no protocol's header.
#   3. Codecs (pure functions over buffers), the host model and the
#      console's scrollback reach no libuv, libcurl, curses or libvterm
#      header, not even through the headers they include: checked with the
#      preprocessor's own list of what a file pulls in.
#   4. ui/tui/ includes no ui/cli/ header: the command line starts the
#      dashboard, never the other way round.
#
# Sources are found with find, so a file moved or added is checked too.
# Prints TAP; exits 1 when a rule is broken.
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
src=$SRCDIR/src
fails=0
ok() { echo "ok - layering: $1"; }
bad() { echo "not ok - layering: $1"; fails=$((fails + 1)); }

sources=$(find "$src" -name '*.[ch]' | sort)
n=$(echo "$sources" | grep -c .)
if [ "$n" -lt 20 ]; then
	bad "src/ holds the engine ($n files found)"
	exit 1
fi

# The quoted and angle includes of one file, one per line.
includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p' "$1"
}

# Rule 1.
found=""
for f in $sources; do
	hits=$(includes "$f" | grep -E '^(n?curses|ncursesw/|term\.h|panel\.h|vterm|cli/|tui/)')
	[ -n "$hits" ] && found="$found ${f#"$SRCDIR"/}($(echo $hits))"
done
if [ -z "$found" ]; then
	ok "src/ includes no curses, vterm or ui/ header ($n files)"
else
	bad "src/ includes no curses, vterm or ui/ header:$found"
fi

# Rule 2.
allowed() {
	case $1 in
	core) echo "core backend/backend.h" ;;
	tls) echo "core tls" ;;
	backend) echo "core backend" ;;
	ipmi) echo "core backend ipmi" ;;
	redfish) echo "core backend tls redfish" ;;
	console) echo "core ipmi console" ;;
	vnc) echo "core tls redfish vnc" ;;
	*) echo "?" ;;
	esac
}
found=""
folders=""
for f in $sources; do
	rel=${f#"$src"/}
	folder=${rel%%/*}
	[ "$folder" = "$rel" ] && { found="$found $rel(not in a folder)"; continue; }
	case " $folders " in *" $folder "*) ;; *) folders="$folders $folder" ;; esac
	ok_list=$(allowed "$folder")
	[ "$ok_list" = "?" ] && { found="$found $rel(unknown folder $folder)"; continue; }
	for inc in $(includes "$f" | grep '/'); do
		[ -f "$src/$inc" ] || continue
		permitted=no
		for a in $ok_list; do
			case $inc in "$a" | "$a"/*) permitted=yes ;; esac
		done
		[ $permitted = no ] && found="$found $rel->$inc"
	done
done
if [ -z "$found" ]; then
	ok "each folder of src/ includes only the folders below it ($folders )"
else
	bad "each folder of src/ includes only the folders below it:$found"
fi

# Rule 3.
codecs="ipmi/msg.c ipmi/rakp.c ipmi/sdr.c ipmi/sel.c ipmi/fru.c ipmi/sol.c
	redfish/json.c redfish/link.c redfish/parse.c redfish/parse-sensors.c redfish/parse-logs.c
	console/telnet.c vnc/rfb.c vnc/ws.c tls/pin.c core/crypto.c core/hostrange.c core/host.h
	core/host-json.c core/filter.c core/history.c core/metrics.c core/http-request.c
	core/units.c core/suggest.c redfish/sse.c vnc/decode.c vnc/fb.c ../ui/tui/scrollback.c"
cc=${CC:-cc}
stub=$SRCDIR/fuzz/stub
found=""
checked=0
for c in $codecs; do
	[ -f "$src/$c" ] || { found="$found ${c#../}(missing)"; continue; }
	deps=$($cc -M -D_GNU_SOURCE -I"$src" -I"$SRCDIR/ui" -I"$stub" $(pkg-config --cflags-only-I jansson openssl 2>/dev/null) \
		"$src/$c" 2>&1) || { found="$found $c(does not preprocess)"; continue; }
	hits=$(echo "$deps" | tr ' \\' '\n\n' | grep -E '/(uv\.h|uv/|curl/|n?curses[^/]*\.h|vterm[^/]*\.h)' |
		sed 's|.*/include/||' | sort -u)
	[ -n "$hits" ] && found="$found ${c#../}($(echo $hits))"
	checked=$((checked + 1))
done
if [ -z "$found" ]; then
	ok "codecs reach no libuv, libcurl or curses header ($checked codecs)"
else
	bad "codecs reach no libuv, libcurl or curses header:$found"
fi
# Rule 4.
found=""
for f in $(find "$SRCDIR/ui/tui" -name '*.[ch]' | sort); do
	hits=$(includes "$f" | grep -E '^cli/')
	[ -n "$hits" ] && found="$found ${f#"$SRCDIR"/}($(echo $hits))"
done
if [ -z "$found" ]; then
	ok "ui/tui includes no ui/cli header"
else
	bad "ui/tui includes no ui/cli header:$found"
fi
[ "$fails" = 0 ]
