#!/bin/bash
# t-child-env.sh - the processes bmctop starts never see a secret.
#
# The fleet names secrets by environment variable (password-env, kg-env,
# vnc-password-env); VNC viewers may read VNC_PASSWORD.  The children bmctop
# starts - the VNC viewer, a password-command, the demo's bmcsim - get the
# environment without any of those variables, and with everything else (a
# marker variable shows that).  The viewer and the password-command here
# are small scripts that dump their environment to a file; the demo's
# bmcsim is read through /proc/PID/environ.
. "$SRCDIR/tests/lib/tap.sh"
need timeout

SECRET=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)
KG=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 20)
VNCPW=$(tr -dc 'A-Za-z0-9' </dev/urandom | head -c 8)
export BMCTOP_T_SECRET="$SECRET" BMCTOP_T_KG="$KG" BMCTOP_T_VNCPW="$VNCPW"
export VNC_PASSWORD="$VNCPW" VNC_PASSWD="$VNCPW"
export BMCTOP_T_MARKER=visible-to-children

# dumper NAME: a script that writes its environment to $T_TMP/NAME.env and
# prints a password (for a password-command).
dumper() {
	cat >"$T_TMP/$1.sh" <<EOF
#!/bin/sh
env >"$T_TMP/$1.env.part" && mv "$T_TMP/$1.env.part" "$T_TMP/$1.env"
echo not-a-real-password
EOF
	chmod 700 "$T_TMP/$1.sh"
}
# clean NAME WHAT: the dump holds the marker and no secret, by name or
# value; a failure names the variables, never their values.
clean() {
	local f="$T_TMP/$1.env"
	check "$2 ran and dumped its environment" test -s "$f"
	is "$2 sees an ordinary variable" "$(grep -c '^BMCTOP_T_MARKER=visible-to-children$' "$f" 2>/dev/null)" 1
	is "$2 does not see the password-env variable" "$(grep -o '^BMCTOP_T_SECRET=' "$f" 2>/dev/null)" ""
	is "$2 does not see the kg-env variable" "$(grep -o '^BMCTOP_T_KG=' "$f" 2>/dev/null)" ""
	is "$2 does not see the vnc-password-env variable" "$(grep -o '^BMCTOP_T_VNCPW=' "$f" 2>/dev/null)" ""
	is "$2 does not see VNC_PASSWORD or VNC_PASSWD" "$(grep -oE '^VNC_PASSW(OR)?D=' "$f" 2>/dev/null | tr '\n' ' ')" ""
	is "$2 sees none of the secret values" "$(grep -E "$SECRET|$KG|$VNCPW" "$f" 2>/dev/null | cut -d= -f1 | tr '\n' ' ')" ""
}

P1=$(free_port udp)
P2=$(free_port udp)
P3=$(free_port udp)
RFB_PORT=$(free_port)
dumper command
dumper viewer
cat >"$T_TMP/fleet.conf" <<EOF
[defaults]
user = admin
protocol = ipmi
timeout = 300ms
retries = 1
vnc = none

[host envhost]
address = 127.0.0.1
ipmi-port = $P1
password-env = BMCTOP_T_SECRET
kg-env = BMCTOP_T_KG

[host cmdhost]
address = 127.0.0.1
ipmi-port = $P2
password-command = $T_TMP/command.sh

[host vnchost]
address = 127.0.0.1
ipmi-port = $P3
password-env = BMCTOP_T_SECRET
vnc = rfb:127.0.0.1:$RFB_PORT
vnc-password-env = BMCTOP_T_VNCPW
vnc-viewer = $T_TMP/viewer.sh %h %p %f
EOF
chmod 600 "$T_TMP/fleet.conf"

# 1. The password-command (nothing listens: the poll fails, the command ran).
timeout 60 "$BMCTOP" -c "$T_TMP/fleet.conf" status envhost cmdhost </dev/null >"$T_TMP/status.out" 2>&1
clean command "the password-command"

# 2. The VNC viewer: bmctop vnc starts it at the relay (DISPLAY only has to
#    be set); the script exits at once, which ends the relay.
DISPLAY=:99 timeout 60 "$BMCTOP" -c "$T_TMP/fleet.conf" vnc vnchost </dev/null >"$T_TMP/vnc.out" 2>&1
like "bmctop vnc started the viewer" "$(cat "$T_TMP/vnc.out")" 'viewer .*viewer\.sh at 127\.0\.0\.1:[0-9]+'
clean viewer "the VNC viewer"

# 3. The demo's bmcsim, while the demo's dashboard runs in tmux; the
#    user's default fleet names the secret variables.
if command -v tmux >/dev/null && { [ -x "$BUILDDIR/bmcsim" ] || [ -x "$BUILDDIR/sim/bmcsim" ]; }; then
	mkdir -m 700 -p "$XDG_CONFIG_HOME/bmctop" "$T_TMP/tmp"
	cp "$T_TMP/fleet.conf" "$XDG_CONFIG_HOME/bmctop/fleet.conf"
	sock="$T_TMP/tmux.sock"
	tmux -S "$sock" new-session -d -x 160 -y 50 \
		"TMPDIR='$T_TMP/tmp' '$BMCTOP' --demo; echo EXITED \$?; sleep 60"
	pane=$(tmux -S "$sock" display-message -p '#{pane_pid}')
	T_PIDS="$T_PIDS $pane"
	children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
	sim_pid=""
	find_sim() {
		local p b
		for b in $(children "$pane"); do
			for p in $(children "$b"); do
				[ "$(cat /proc/"$p"/comm 2>/dev/null)" = bmcsim ] && sim_pid=$p && return 0
			done
		done
		return 1
	}
	wait_for 60 sh -c "tmux -S '$sock' capture-pane -p | grep -qE 'hosts 64 '"
	find_sim
	check "the demo's bmcsim runs" test -n "$sim_pid"
	tr '\0' '\n' </proc/"$sim_pid"/environ >"$T_TMP/bmcsim.env" 2>/dev/null
	clean bmcsim "the demo's bmcsim"
	tmux -S "$sock" send-keys q
	wait_for 30 sh -c "tmux -S '$sock' capture-pane -p | grep -q EXITED"
	tmux -S "$sock" kill-server 2>/dev/null
fi
exit 0
