#!/bin/sh
# run-suite.sh - the whole test suite: unit tests, the layering check, then
# every integration test against real peers.  Prints TAP and ends with
# "N passed, N failed, N skipped".  Exits 1 if anything failed.
#
# Environment: BMCTOP, UNIT, SRCDIR, BUILDDIR (set by "make check");
# BMCTOP_REQUIRE_PEERS=1 turns a skip for a missing peer into a failure (CI);
# TESTS="pattern ..." runs only integration tests whose name matches.
set -u
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${BMCTOP:=$BUILDDIR/bmctop}"
: "${UNIT:=$BUILDDIR/tests/unit/unit}"
export SRCDIR BUILDDIR BMCTOP UNIT

out=$(mktemp "${TMPDIR:-/tmp}/bmctop-suite.XXXXXX")
trap 'rm -f "$out"' EXIT INT TERM

run() {
	# Run one producer of TAP lines, echoing them and keeping a copy.
	"$@" 2>&1 | tee -a "$out"
}

run "$UNIT"
run sh "$SRCDIR/tests/check-layering.sh"
for t in "$SRCDIR"/tests/integration/t-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "${TESTS:-}" ]; then
		case " $TESTS " in *" $name "*|*" ${name#t-} "*) ;; *) continue ;; esac
	fi
	echo "# $name"
	run bash "$t"
done

passed=$(grep -c -E '^ok ' "$out" | tr -d ' ')
skipped=$(grep -c -E '^ok .*# SKIP' "$out" | tr -d ' ')
failed=$(grep -c -E '^not ok ' "$out" | tr -d ' ')
passed=$((passed - skipped))
# Name the failures again just above the summary, where a tail shows them.
grep -E '^not ok ' "$out" | head -5 | sed 's/^/# failed: /'
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
