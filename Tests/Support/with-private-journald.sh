#!/bin/sh
# Runs a command next to a private systemd-journald, then dumps what it logged as JSON.
#
# Usage (as root): unshare -m --propagation private with-private-journald.sh OUT.json PIDFILE -- COMMAND...
# The command runs in this mount namespace, so its native journal entries reach the private journald
# and never the host's. Its pid is written to PIDFILE so a test can signal it.
# SIGUSR1 stops journald (its socket stays, refusing entries, as when journald is down); SIGUSR2 starts it again.
set -eu
out=$1; pidfile=$2; shift 2
[ "$1" = "--" ] && shift
for d in /run/systemd/journal /run/log /var/log/journal; do
    mkdir -p "$d"
    mount -t tmpfs tmpfs "$d"
done
journald=
start_journald() {
    [ -n "$journald" ] && return 0
    rm -f /run/systemd/journal/socket
    /lib/systemd/systemd-journald &
    journald=$!
    i=0
    while [ ! -S /run/systemd/journal/socket ]; do
        i=$((i + 1))
        if [ $i -gt 500 ]; then echo "private journald did not start" >&2; kill $journald; exit 90; fi
        sleep 0.01
    done
}
stop_journald() {
    [ -z "$journald" ] && return 0
    kill $journald
    wait $journald 2>/dev/null || true
    journald=
}
start_journald
trap stop_journald USR1
trap start_journald USR2
set +e
"$@" &
child=$!
echo $child > "$pidfile"
while :; do
    wait $child
    status=$?
    # A trapped signal interrupts `wait`; go on waiting while the command runs.
    kill -0 $child 2>/dev/null || break
done
start_journald
journalctl --sync 2>/dev/null
journalctl -o json --no-pager SYSLOG_IDENTIFIER=posrevoked > "$out"
kill $journald
wait $journald 2>/dev/null
exit $status
