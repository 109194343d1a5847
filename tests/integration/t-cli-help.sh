# t-cli-help.sh - every command's help, and what a mistyped word gets.
#
# The commands come from "bmctop --help" and each command's options from
# its own help, so a command or option added to the table is covered here
# without editing this file.
. "$SRCDIR/tests/lib/tap.sh"

printf '[defaults]\nprotocol = ipmi\n[host n[1-2]]\naddress = 127.0.0.1\nipmi-port = [1-2]\n' >"$T_TMP/fleet.conf"

main=$("$BMCTOP" --help)
cmds=$(printf '%s\n' "$main" | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
ncmds=$(printf '%s\n' "$cmds" | grep -c .)
[ "$ncmds" -ge 11 ] && ok "--help lists $ncmds commands" || fail "--help lists the commands (got $ncmds)"
like "--help says how to get a command's help" "$main" "bmctop help COMMAND"

# A value each option with an argument accepts.
value_for() {
	case $1 in
	N | SECONDS) echo 1 ;;
	MS) echo 100 ;;
	LIST) echo power ;;
	*) echo x ;;
	esac
}

for cmd in $cmds; do
	out=$("$BMCTOP" "$cmd" --help 2>&1); rc=$?
	is "$cmd --help exits 0" "$rc" 0
	like "$cmd --help starts with its usage" "$out" "^Usage: bmctop \[-c FLEET\] $cmd( |\$)"
	like "$cmd --help lists -c and --help" "$out" '^  -c, --config FLEET .*'
	same=$("$BMCTOP" help "$cmd" 2>&1)
	is "bmctop help $cmd is $cmd --help" "$same" "$out"
	# Every option in the usage line is explained below it.
	for opt in $(printf '%s\n' "$out" | head -1 | grep -oE -- '--[a-z-]+' | sort -u); do
		like "$cmd --help explains $opt" "$out" "^  $opt( [A-Z]+)? "
	done
	# Every option it explains is one the command takes: none is refused
	# as unknown.  They are given a host the fleet does not have, so they
	# stop before polling anything.
	printf '%s\n' "$out" | sed -n 's/^  \(--[a-z-]*\)\( [A-Z]*\)\{0,1\} .*/\1\2/p' |
		while read -r opt arg; do
			[ "$opt" = --config ] && continue
			[ "$opt" = --help ] && continue
			set -- "$opt"
			[ -n "$arg" ] && set -- "$opt" "$(value_for "$arg")"
			err=$(timeout 20 "$BMCTOP" -c "$T_TMP/fleet.conf" "$cmd" "$@" no-such-host 2>&1 </dev/null)
			unlike "$cmd takes the $opt its help names" "$err" 'unknown option'
		done
done

out=$("$BMCTOP" sensors -h); rc=$?
is "-h is --help too" "$rc" 0
like "sensors help names its thresholds" "$out" 'LNR LCR LNC UNC UCR UNR'
like "sensors help has examples" "$out" '^  bmctop sensors @rack4$'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" power n1 --help 2>&1); rc=$?
is "--help after a command's arguments shows its help, acting on nothing" "$rc" 0
like "... the power help" "$out" '^Usage: bmctop \[-c FLEET\] power HOST'
out=$("$BMCTOP" help); rc=$?
is "bmctop help exits 0" "$rc" 0
is "bmctop help is bmctop --help" "$out" "$main"

# Did you mean.
out=$("$BMCTOP" statsu 2>&1); rc=$?
is "a mistyped command exits 2" "$rc" 2
like "... and suggests the command" "$out" 'unknown command "statsu"; did you mean "status"\?'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" snesors n1 2>&1); rc=$?
is "a swapped letter exits 2" "$rc" 2
like "... and suggests sensors" "$out" 'did you mean "sensors"\?'
out=$("$BMCTOP" help pwoer 2>&1); rc=$?
is "help for a mistyped command exits 2" "$rc" 2
like "... and suggests power" "$out" 'did you mean "power"\?'
out=$("$BMCTOP" frobnicate 2>&1); rc=$?
is "a command far from any exits 2" "$rc" 2
unlike "... with no guess" "$out" 'did you mean'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" status --jsno 2>&1); rc=$?
is "a mistyped option exits 2" "$rc" 2
like "... and suggests the command's option" "$out" 'status: unknown option --jsno; did you mean --json\?'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" boot n1 pxe --persistant 2>&1); rc=$?
is "a misspelt option exits 2" "$rc" 2
like "... and suggests --persistent" "$out" 'did you mean --persistent\?'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" power n1 status --json 2>&1); rc=$?
is "an option of another command exits 2" "$rc" 2
like "... naming where the options are listed" "$out" 'unknown option --json \(bmctop power --help lists its options\)'
out=$("$BMCTOP" --verison 2>&1); rc=$?
is "a mistyped global option exits 2" "$rc" 2
like "... and suggests --version" "$out" 'did you mean --version\?'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" power n1 of 2>&1); rc=$?
is "a mistyped power action exits 2" "$rc" 2
like "... and suggests the action" "$out" 'power: unknown word "of"; did you mean "off"\?'
like "... and points at the command's help" "$out" "Try 'bmctop power --help'"
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" config gruops 2>&1); rc=$?
is "a mistyped config word exits 2" "$rc" 2
like "... and suggests groups" "$out" 'did you mean "groups"\?'
out=$("$BMCTOP" -c "$T_TMP/fleet.conf" sensors 2>&1); rc=$?
is "sensors without a host exits 2" "$rc" 2
like "... with its usage from the table" "$out" 'usage: bmctop \[-c FLEET\] sensors HOST\.\.\. \[--json\]'
