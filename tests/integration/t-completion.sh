# t-completion.sh - shell completion: commands, options, hosts and @groups
# from the fleet file, in bash (the completion function called as bash
# calls it) and zsh (compsys driven through a pseudo-terminal).
. "$SRCDIR/tests/lib/tap.sh"

BASH_COMP="$SRCDIR/data/completion/bmctop.bash"
ZSH_COMP="$SRCDIR/data/completion/_bmctop"
printf '[defaults]\nprotocol = ipmi\n[host web[01-03]]\naddress = 127.0.0.1\nipmi-port = [9001-9003]\ngroup = frontend\n[host db1]\naddress = 127.0.0.1\nipmi-port = 9101\ngroup = backend\n' >"$T_TMP/fleet.conf"
mkdir -p -m 700 "$XDG_CONFIG_HOME/bmctop"
printf '[host deflt[1-2]]\naddress = 127.0.0.1\nipmi-port = [9201-9202]\ngroup = dflt\n' >"$XDG_CONFIG_HOME/bmctop/fleet.conf"

# complete WORD...: what bash's completion offers for the last word.
complete_bash() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_bmctop bmctop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$BASH_COMP" "$@"
}
words() { printf '%s\n' "$@" | sort; }
# The commands bmctop --help lists that begin with s (status, sensors, sel,
# sol, serve, ...), read here from the help's "Commands:" block.
s_commands() { "$BMCTOP" --help | sed -n '/^Commands:/,/^$/s/^  \(s[a-z]*\) .*/\1/p' | sort; }

check "bash completion script is valid bash" bash -n "$BASH_COMP"
like "bash: the help lists the s commands" "$(s_commands | tr '\n' ' ')" 'sel sensors .*sol status'
is "bash: commands" "$(complete_bash "$BMCTOP" s)" "$(s_commands)"
like "bash: every command" "$(complete_bash "$BMCTOP" '')" '^help$'
is "bash: global options" "$(complete_bash "$BMCTOP" --d)" "--demo"
is "bash: the dashboard's options" "$(complete_bash "$BMCTOP" --r)" "--readonly"
is "bash: --screen-graphics' modes" "$(complete_bash "$BMCTOP" --screen-graphics b)" "blocks"
is "bash: a mode is not taken for the command" "$(complete_bash "$BMCTOP" --screen-graphics none -c "$T_TMP/fleet.conf" sensors d)" "db1"
is "bash: hosts and groups of -c's fleet" "$(complete_bash "$BMCTOP" -c "$T_TMP/fleet.conf" sensors '')" \
	"$(words @backend @frontend db1 web01 web02 web03)"
is "bash: a group by its prefix" "$(complete_bash "$BMCTOP" -c "$T_TMP/fleet.conf" sel @f)" "@frontend"
is "bash: hosts by prefix, -c after the command" "$(complete_bash "$BMCTOP" power -c "$T_TMP/fleet.conf" web0)" \
	"$(words web01 web02 web03)"
is "bash: --config=FILE" "$(complete_bash "$BMCTOP" --config="$T_TMP/fleet.conf" fru d)" "db1"
is "bash: the default fleet without -c" "$(complete_bash "$BMCTOP" status '')" "$(words @dflt deflt1 deflt2)"
is "bash: power actions beside the hosts" "$(complete_bash "$BMCTOP" -c "$T_TMP/fleet.conf" power web01 c)" "cycle"
is "bash: a command's options from its help" "$(complete_bash "$BMCTOP" status --w)" "$(words --what --watch)"
is "bash: boot's options" "$(complete_bash "$BMCTOP" boot --p)" "--persistent"
is "bash: config's words" "$(complete_bash "$BMCTOP" config g)" "groups"
is "bash: help names commands" "$(complete_bash "$BMCTOP" help tr)" "trust"
like "bash: -c completes files" "$(complete_bash "$BMCTOP" -c "$T_TMP/fle")" "fleet\.conf$"
is "bash: a fleet with errors completes nothing, quietly" \
	"$(complete_bash "$BMCTOP" -c "$T_TMP/missing.conf" sensors '' 2>&1)" ""

if ! command -v zsh >/dev/null 2>&1; then
	skip_all "zsh not installed"
fi
check "zsh completion script parses" zsh -n "$ZSH_COMP"
# The completion function run by zsh itself, with compsys's builtins that
# need a line editor (compadd, _files, _call_program) replaced by ones that
# print what would be offered, filtered by the prefix as compadd filters.
complete_zsh() {
	zsh -f -c '
		compadd() { local w; [[ $1 == -- ]] && shift; for w in "$@"; do [[ $w == ${PREFIX}* ]] && print -r -- $w; done; }
		_files() { print -r -- "<files>"; }
		_call_program() { shift; eval "$@"; }
		comp=$1; shift
		words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
		source $comp' _ "$ZSH_COMP" "$@" | sort
}

is "zsh: commands" "$(complete_zsh "$BMCTOP" s)" "$(s_commands)"
is "zsh: global options" "$(complete_zsh "$BMCTOP" --v)" "--version"
is "zsh: --screen-graphics' modes" "$(complete_zsh "$BMCTOP" --screen-graphics s)" "sixel"
is "zsh: hosts and groups of -c's fleet" "$(complete_zsh "$BMCTOP" -c "$T_TMP/fleet.conf" sensors '')" \
	"$(words @backend @frontend db1 web01 web02 web03)"
is "zsh: a group by its prefix" "$(complete_zsh "$BMCTOP" -c "$T_TMP/fleet.conf" sel @b)" "@backend"
is "zsh: the default fleet without -c" "$(complete_zsh "$BMCTOP" fru '')" "$(words @dflt deflt1 deflt2)"
is "zsh: boot devices beside the hosts" "$(complete_zsh "$BMCTOP" --config="$T_TMP/fleet.conf" boot db1 p)" "pxe"
is "zsh: a command's options" "$(complete_zsh "$BMCTOP" sol --)" "$(words --config --help --idle --log --steal)"
is "zsh: config's words" "$(complete_zsh "$BMCTOP" config c)" "check"
is "zsh: -c completes files" "$(complete_zsh "$BMCTOP" -c '')" "<files>"

# And zsh's own completion system, compinit and all, in an interactive zsh
# on a pseudo-terminal (zsh/zpty): Tab after "sensors " lists the fleet's
# hosts and groups.
mkdir -p "$T_TMP/zfn"
cp "$ZSH_COMP" "$T_TMP/zfn/_bmctop"
ln -s "$BMCTOP" "$T_TMP/zfn/bmctop"
zsh_tab() { # LINE: what the terminal shows after LINE and a Tab
	timeout 60 zsh -f -c '
		zmodload zsh/zpty || exit 1
		zpty z zsh -f -i
		zpty -w z "PS1=\"%% \"; fpath=($1 \$fpath); path=($1 \$path); autoload -Uz compinit; compinit -u -D; zstyle \":completion:*\" list-prompt \"\"; LISTMAX=0; setopt autolist; print READY"
		zpty -r z line "*READY*"
		zpty -w -n z "$2"$'"'"'\t'"'"'
		out=
		for i in {1..100}; do
			zpty -r -t z chunk && out+=$chunk
			[[ $out == *$3* ]] && break
			sleep 0.1
		done
		zpty -d z
		print -r -- "${out//$'"'"'\r'"'"'/}"' _ "$T_TMP/zfn" "$1" "$2"
}
out=$(zsh_tab "bmctop -c $T_TMP/fleet.conf sensors " web03)
like "zsh compsys: Tab lists the fleet's hosts" "$out" 'web01.*web02.*web03'
like "zsh compsys: ... and its groups" "$out" '@backend'
out=$(zsh_tab "bmctop -c $T_TMP/fleet.conf sel @f" frontend)
like "zsh compsys: a unique group is completed in the line" "$out" 'sel @frontend'
