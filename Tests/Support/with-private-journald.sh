#!/bin/sh
# Runs a command next to a private systemd-journald, then dumps what it logged as JSON.
#
# Usage (as root): unshare -m --propagation private with-private-journald.sh OUT.json PIDFILE -- COMMAND...
# The command runs in this mount namespace, so its native journal entries reach the private journald
# and never the host's. Its pid is written to PIDFILE so a test can signal it.
set -eu
out=$1; pidfile=$2; shift 2
[ "$1" = "--" ] && shift
for d in /run/systemd/journal /run/log /var/log/journal; do
    mkdir -p "$d"
    mount -t tmpfs tmpfs "$d"
done
/lib/systemd/systemd-journald &
journald=$!
i=0
while [ ! -S /run/systemd/journal/socket ]; do
    i=$((i + 1))
    if [ $i -gt 500 ]; then echo "private journald did not start" >&2; kill $journald; exit 90; fi
    sleep 0.01
done
set +e
"$@" &
child=$!
echo $child > "$pidfile"
wait $child
status=$?
journalctl --sync 2>/dev/null
journalctl -o json --no-pager SYSLOG_IDENTIFIER=posrevoked > "$out"
kill $journald
wait $journald 2>/dev/null
exit $status
