# bmctop(1) completion for bash.
#
# Commands and each command's options come from bmctop's own help (one
# table in the program), host names and @groups from the fleet file the
# command line names (-c) or the default one, through "bmctop config hosts"
# and "bmctop config groups", so nothing here goes stale.

# The fleet options of the words typed so far, into the array _bmctop_fleet;
# the command (first word that is not an option) into _bmctop_cmd.
_bmctop_scan() {
	local i w
	_bmctop_fleet=()
	_bmctop_cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-c | --config)
			w=${COMP_WORDS[i + 1]}
			_bmctop_fleet=(-c "${w/#\~/$HOME}")
			((i++))
			;;
		--config=*) _bmctop_fleet=(-c "${w#--config=}") ;;
		--screen-graphics) ((i++)) ;;
		-*) ;;
		*) [ -z "$_bmctop_cmd" ] && _bmctop_cmd=$w ;;
		esac
	done
}

# Hosts and @groups of the fleet, one a line.
_bmctop_targets() {
	local prog=$1
	"$prog" "${_bmctop_fleet[@]}" config hosts 2>/dev/null | awk '{ print $1 }'
	"$prog" "${_bmctop_fleet[@]}" config groups 2>/dev/null | awk '{ print "@" $1 }'
}

_bmctop() {
	local prog=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=
	local words
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	-c | --config)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	--screen-graphics)
		COMPREPLY=($(compgen -W "auto kitty sixel blocks none" -- "$cur"))
		return 0
		;;
	esac
	_bmctop_scan
	if [ -z "$_bmctop_cmd" ]; then
		if [[ $cur == -* ]]; then
			words="-c --config --demo --readonly --screen-graphics --help --version"
		else
			words=$("$prog" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
		fi
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	if [[ $cur == -* ]]; then
		words=$("$prog" "$_bmctop_cmd" --help 2>/dev/null | sed -n 's/^  \(-[a-z-]*\)\(, \(--[a-z-]*\)\)\{0,1\}.*/\1 \3/p')
		COMPREPLY=($(compgen -W "$words" -- "$cur"))
		return 0
	fi
	case $_bmctop_cmd in
	help) words=$("$prog" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p') ;;
	config) words="check hosts groups" ;;
	power) words="status on off cycle reset soft $(_bmctop_targets "$prog")" ;;
	boot) words="pxe disk bios cdrom $(_bmctop_targets "$prog")" ;;
	*) words=$(_bmctop_targets "$prog") ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
	return 0
}

complete -F _bmctop bmctop
