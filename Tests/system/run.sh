#!/usr/bin/env bash
# System test: the Debian package installed into a private systemd, booted as PID 1 in its own pid, mount and
# cgroup namespaces, and driven with systemctl and journalctl through nsenter. Every step has a timeout; the
# namespace, its cgroup and its files are torn down on any exit.
#
#   Tests/system/run.sh [DEB]     # as root; builds the package with scripts/build-deb unless DEB is given
#
# Outside CI it skips (exit 0) with a message where it cannot run; under CI=true that is a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAILED: the system test cannot run here: $*" >&2
        exit 1
    fi
    echo "SKIPPED system test: $*" >&2
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip "needs root"
for tool in unshare nsenter setpriv dpkg-deb apt-get /lib/systemd/systemd; do
    command -v "$tool" >/dev/null 2>&1 || skip "$tool is missing"
done
grep -qw overlay /proc/filesystems || skip "the kernel has no overlayfs"

passed=0
failed=0
step_start=$SECONDS
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "  ok    $name ($((SECONDS - step_start))s)"
    else
        failed=$((failed + 1))
        echo "  FAIL  $name ($((SECONDS - step_start))s)"
    fi
    step_start=$SECONDS
}

deb=${1:-}
if [ -z "$deb" ]; then
    echo "==> building the package"
    deb=$(scripts/build-deb) || { echo "FAILED: scripts/build-deb" >&2; exit 1; }
fi
deb=$(realpath "$deb")

work=$(mktemp -d "$repo/.build-systest.XXXXXX")
cgroot=/sys/fs/cgroup
[ -d /sys/fs/cgroup/unified ] && cgroot=/sys/fs/cgroup/unified
cg="$cgroot/posrevoke-systest-$$"
unshare_pid=
spid=

teardown() {
    if [ -n "$spid" ] && kill -0 "$spid" 2>/dev/null; then
        kill -s SIGRTMIN+4 "$spid" 2>/dev/null
        for _ in $(seq 1 150); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
    fi
    if [ -n "$unshare_pid" ] && kill -0 "$unshare_pid" 2>/dev/null; then
        kill -9 "$unshare_pid" 2>/dev/null
        [ -n "$spid" ] && kill -9 "$spid" 2>/dev/null
        wait "$unshare_pid" 2>/dev/null
    fi
    if [ -d "$cg" ]; then
        echo $$ > "$cgroot/cgroup.procs" 2>/dev/null
        # Leaf first: every cgroup the private systemd made below ours.
        find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null
        [ -d "$cg" ] && echo "warning: could not remove $cg" >&2
    fi
    rm -rf "$work"
}
trap teardown EXIT

# The daemon's config for the test: the demo fleet, plus a plan whose reviews take an hour, so jobs are in
# flight across the restarts below.
awk '/^terminals:/ {
        print "platform:"
        print "  simulation: {review_delay: 1h, transient_error_share: 0}"
        print "plans:"
        print "  - {id: systest, providers: [alipay-credit], select: {stores: [s-01]}, waves: {canary: 3}}"
    }
    { print }' config/demo.yaml > "$work/config.yaml"
# alipay-credit is active (not yet cancelled) on the s-01 terminals that have it, so the plan has work.
sed -i -E '/store: s-01,/ s/alipay-credit: \{state: cancelled, cutover: [^}]*\}/alipay-credit: {state: active}/' "$work/config.yaml"

echo "==> booting a private systemd"
mkdir "$cg" && echo $$ > "$cg/cgroup.procs" || skip "cannot create a cgroup under $cgroot"
unshare --pid --fork --mount --cgroup --propagation private "$repo/Tests/system/boot.sh" "$work" "$deb" \
    > "$work/boot.log" 2>&1 &
unshare_pid=$!
echo $$ > "$cgroot/cgroup.procs"
for _ in $(seq 1 300); do
    spid=$(pgrep -P "$unshare_pid" -x systemd | head -1)
    [ -n "$spid" ] && break
    kill -0 "$unshare_pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$spid" ] || { echo "FAILED: systemd did not start:" >&2; cat "$work/boot.log" >&2; exit 1; }

ns() { timeout "${NS_TIMEOUT:-30}" nsenter -t "$spid" -m -p -C "$@"; }
for _ in $(seq 1 200); do
    state=$(ns systemctl is-system-running 2>/dev/null)
    case "$state" in running|degraded) break ;; esac
    sleep 0.1
done
echo "    system state: $state"

. "$repo/Tests/system/checks.sh"
step_start=$SECONDS
run_checks

if [ "$failed" -gt 0 ]; then
    # Keep what the private system logged, for the failure's reader.
    ns journalctl --no-pager -o short-monotonic > "$repo/.build/systest-journal.log" 2>&1
    echo "    the private system's journal: .build/systest-journal.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
