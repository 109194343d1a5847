#!/bin/sh
# run.sh - build every fuzz target with clang's libFuzzer, ASan and UBSan,
# and run each for SECONDS (default 10) on its seed corpus.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
#
# A target is fuzz/fuzz-NAME.c defining LLVMFuzzerTestOneInput; its seeds
# are in fuzz/corpus/NAME/.  It links the engine's sources directly; a
# target named sim-* also links bmcsim's (sim/*.c but bmcsim.c, which holds
# main) built with BMCSIM_FUZZ, their socket-free entry points.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
secs=${1:-10}
[ $# -gt 0 ] && shift
out=${FUZZ_OUT:-$top/fuzz/out}
mkdir -p "$out"
command -v clang >/dev/null || { echo "fuzz: clang not installed (apt-get install clang libclang-rt-14-dev)"; exit 2; }
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE -I$top/src -I$here"
[ -f "$top/config.h" ] && cflags="$cflags -I$top" || cflags="$cflags -I$here/stub"
libs="$(pkg-config --libs libuv openssl jansson libcurl zlib libjpeg) -lcrypt -lm"
engine=$(find "$top/src" -name "*.c" | sort)
sim=$(find "$top/sim" -name "*.c" ! -name bmcsim.c | sort)
targets=${*:-$(cd "$here" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')}
rc=0
for t in $targets; do
	echo "fuzz: building $t"
	extra=""
	case $t in
	sim-*) extra="-DBMCSIM_FUZZ -I$top/sim $sim" ;;
	esac
	# shellcheck disable=SC2086
	clang $cflags -o "$out/fuzz-$t" "$here/fuzz-$t.c" $engine $extra $libs
	mkdir -p "$out/corpus-$t"
	seeds="$here/corpus/$t"
	[ -d "$seeds" ] || seeds=""
	echo "fuzz: running $t for ${secs}s"
	if ! "$out/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/crash-$t-" "$out/corpus-$t" $seeds >"$out/$t.log" 2>&1; then
		echo "fuzz: $t FAILED; see $out/$t.log"
		tail -30 "$out/$t.log"
		rc=1
	else
		echo "fuzz: $t ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$out/$t.log" | awk '{print $2}') runs)"
	fi
done
exit $rc
