# Sourced by run.sh: the checks, run against the private systemd through `ns` (nsenter).
# shellcheck shell=bash

journal_json() { ns journalctl -o json --no-pager -u posrevoked "$@" 2>/dev/null; }
count_json() { journal_json "$@" | grep -c . ; }
main_pid() { ns systemctl show -p MainPID --value posrevoked; }
ctl() { ns posrevokectl "$@"; }
# output_has PATTERN CMD...: whether CMD's whole output matches the extended regex PATTERN. (A `cmd | grep -q`
# under pipefail fails at random: grep stops reading at the first match and cmd dies of SIGPIPE.)
output_has() {
    local pattern=$1 out
    shift
    out=$("$@" 2>&1)
    grep -qE "$pattern" <<<"$out"
}

# 1. Active only after READY=1, and the STATUS= line in `systemctl status`.
check_start() {
    ns systemctl start posrevoked || return 1
    [ "$(ns systemctl is-active posrevoked)" = active ] || return 1
    local active ready
    active=$(ns systemctl show -p ActiveEnterTimestampMonotonic --value posrevoked)
    ready=$(journal_json MESSAGE_ID=c45c1a19eb4048ad96abb5afdd7bb832 | head -1 | sed -E 's/.*"READY_MONOTONIC_USEC":"([0-9]+)".*/\1/')
    [ -n "$ready" ] && [ "$ready" -le "$active" ] || { echo "    READY logged at $ready, active at $active"; return 1; }
    sleep 6
    output_has 'Status: "polling 200 terminals · [0-9]+ alerts? firing · last reload ok' ns systemctl status --no-pager posrevoked
}

# 2. A valid edited config, reloaded with `systemctl reload`, changes behaviour: a new terminal is polled.
check_reload_good() {
    ns sh -c "sed -i 's/missed_update: \[/missed_update: [t-0999, /' /etc/posrevoke/posrevoke.yaml
        echo '  - {id: t-0999, store: s-01, providers: {wechat-payscore: {state: cancelled, cutover: 2026-11-01T02:00:00+08:00}}}' >> /etc/posrevoke/posrevoke.yaml" || return 1
    ns systemctl reload posrevoked || return 1
    for _ in $(seq 1 60); do
        [ "$(count_json POSREVOKE_ALERT=lingering-credit-pay TERMINAL_ID=t-0999)" -ge 1 ] && return 0
        sleep 1
    done
    echo "    no lingering alert for the terminal added by reload"
    return 1
}

# 3. An invalid config: `systemctl reload` fails, the reason is in status and journal, the service stays active.
check_reload_bad() {
    ns cp /etc/posrevoke/posrevoke.yaml /etc/posrevoke/good.yaml || return 1
    ns sed -i 's/^polling:/poling:/' /etc/posrevoke/posrevoke.yaml || return 1
    if ns systemctl reload posrevoked; then echo "    systemctl reload succeeded on an invalid config"; return 1; fi
    [ "$(ns systemctl is-active posrevoked)" = active ] || return 1
    output_has "reload rejected: line .*poling: unknown key" ns systemctl status --no-pager posrevoked || return 1
    [ "$(count_json MESSAGE_ID=539b8593b38a4c9e91014438664cf889)" -ge 1 ] || return 1
    ns cp /etc/posrevoke/good.yaml /etc/posrevoke/posrevoke.yaml && ns systemctl reload posrevoked
}

# 4. The demo's alerts, with their fields, and the catalog text with -x.
check_journal() {
    local entry
    entry=$(journal_json POSREVOKE_ALERT=lingering-credit-pay MESSAGE_ID=5176092aa5164af3a56674a16cff81c0 | head -1)
    for field in '"TRANSACTION_ID":"t-' '"TERMINAL_ID":"t-' '"STORE_ID":"s-' '"PROVIDER":"' '"ALERT_STATE":"firing"' \
        '"PRIORITY":"2"' '"SYSLOG_IDENTIFIER":"posrevoked"'; do
        case "$entry" in *"$field"*) ;; *) echo "    no $field in: ${entry:0:600}"; return 1 ;; esac
    done
    output_has "Defined-By: posrevoke" ns journalctl -x --no-pager -u posrevoked POSREVOKE_ALERT=lingering-credit-pay ||
        { echo "    journalctl -x shows no catalog text"; return 1; }
}

# "JOB_ID STEP_INDEX" per job of the test plan.
job_steps() {
    ctl jobs list --plan systest --json |
        python3 -c 'import json, sys; [print(j["id"], j["stepIndex"]) for j in json.load(sys.stdin)]'
}

# Every job still there, none moved backwards.
jobs_kept() {
    local before=$1 after
    after=$(job_steps)
    [ -n "$before" ] || { echo "    the test plan has no jobs"; return 1; }
    python3 - "$before" "$after" <<'PY'
import sys
before = dict(line.split() for line in sys.argv[1].splitlines())
after = dict(line.split() for line in sys.argv[2].splitlines())
lost = sorted(set(before) - set(after))
back = sorted(j for j in before if j in after and int(after[j]) < int(before[j]))
if lost or back:
    print(f"    jobs lost: {lost[:5]}, moved back: {back[:5]}")
    sys.exit(1)
PY
}

# Keys of lingering alerts announced as firing (not repeats), optionally after a journal cursor.
firing_keys() {
    journal_json POSREVOKE_ALERT=lingering-credit-pay ALERT_STATE=firing "$@" |
        python3 -c 'import json, sys; [print(e["ALERT_KEY"]) for e in map(json.loads, sys.stdin) if "ALERT_REPEAT" not in e]' |
        sort -u
}

# 5. The unit's watchdog wiring: a daemon that sends no pings (here frozen with SIGSTOP) is killed and restarted by
#    systemd; jobs resume, alerts stay quiet. That the daemon itself withholds pings when one of its parts stalls
#    while the process runs on is shown by NotifyProtocolTests (a commit held up by a locked database).
check_watchdog() {
    local keys jobs cursor pid
    keys=$(firing_keys)
    jobs=$(job_steps)
    cursor=$(ns journalctl --show-cursor -n 0 --no-pager | sed -n 's/^-- cursor: //p')
    pid=$(main_pid)
    ns kill -STOP "$pid" || return 1
    for _ in $(seq 1 40); do
        local now
        now=$(main_pid)
        if [ "$now" != "$pid" ] && [ "$now" != 0 ] && [ "$(ns systemctl is-active posrevoked)" = active ]; then break; fi
        sleep 0.5
    done
    [ "$(main_pid)" != "$pid" ] || { echo "    not restarted"; return 1; }
    output_has "Watchdog timeout" ns journalctl --no-pager -u posrevoked || { echo "    no watchdog timeout logged"; return 1; }
    sleep 8
    local again
    again=$(comm -12 <(echo "$keys") <(firing_keys --after-cursor="$cursor"))
    [ -z "$again" ] || { echo "    announced again after the restart: $again"; return 1; }
    jobs_kept "$jobs"
}

# 6. SIGKILL: Restart=always brings it back with every job.
check_sigkill() {
    local pid jobs
    jobs=$(job_steps)
    pid=$(main_pid)
    ns systemctl kill -s KILL posrevoked || return 1
    for _ in $(seq 1 40); do
        [ "$(main_pid)" != "$pid" ] && [ "$(ns systemctl is-active posrevoked)" = active ] && break
        sleep 0.5
    done
    [ "$(main_pid)" != "$pid" ] || return 1
    sleep 2
    jobs_kept "$jobs"
}

# 7. `systemctl stop`: STOPPING=1 and a clean, quick exit with state flushed.
check_stop() {
    local start=$SECONDS
    ns systemctl stop posrevoked || return 1
    [ $((SECONDS - start)) -lt 10 ] || { echo "    stop took $((SECONDS - start))s"; return 1; }
    [ "$(ns systemctl show -p Result --value posrevoked)" = success ] || return 1
    [ "$(ns systemctl show -p ExecMainStatus --value posrevoked)" = 0 ] || return 1
    [ "$(count_json MESSAGE_ID=4c769eb8c92a40a6bbd7631755ba862e)" -ge 1 ] || return 1
    ns systemctl start posrevoked
}

# 8. Its own unprivileged user; writes only its State/Runtime directories; the socket refuses outsiders.
check_sandbox() {
    local pid
    pid=$(main_pid)
    [ "$(ns stat -c %U "/proc/$pid")" = posrevoke ] || { echo "    runs as $(ns stat -c %U "/proc/$pid")"; return 1; }
    ns nsenter -t "$pid" -m setpriv --reuid=posrevoke --regid=posrevoke --clear-groups sh -c '
        touch /var/lib/posrevoke/.probe && rm /var/lib/posrevoke/.probe &&
        touch /run/posrevoke/.probe && rm /run/posrevoke/.probe &&
        ! touch /etc/posrevoke/.probe 2>/dev/null && ! touch /usr/.probe 2>/dev/null && ! touch /var/.probe 2>/dev/null' ||
        { echo "    write access is wrong"; return 1; }
    ctl status >/dev/null || return 1
    if ns setpriv --reuid=nobody --regid=nogroup --clear-groups posrevokectl status >/dev/null 2>&1; then
        echo "    a user outside the group got in"
        return 1
    fi
    ns useradd --system --no-create-home -G posrevoke opsmember || return 1
    ns setpriv --reuid=opsmember --regid=opsmember --init-groups posrevokectl status >/dev/null
}

# The unit passes `systemd-analyze verify`, and its exposure score is 2.0 or lower.
check_unit() {
    ns systemd-analyze verify posrevoked.service || return 1
    local score
    score=$(ns systemd-analyze security --no-pager posrevoked.service | sed -nE 's/.*Overall exposure level for posrevoked.service: ([0-9.]+).*/\1/p')
    echo "    exposure: $score"
    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 2.0) }'
}

# 0. The installed config is valid and watches nothing, runs nothing: no terminals, no plans, no simulated platform;
#    the demos are examples under /usr/share/doc.
check_installed_config() {
    ns posrevoked --check-config /etc/posrevoke/installed.yaml || return 1
    output_has '^terminals: \[\]$' ns cat /etc/posrevoke/installed.yaml || return 1
    output_has '^plans: \[\]$' ns cat /etc/posrevoke/installed.yaml || return 1
    ! output_has 'simulated$' ns grep -E '^ +(wechat-payscore|alipay-credit):' /etc/posrevoke/installed.yaml || return 1
    ns test -f /usr/share/doc/posrevoke/examples/demo.yaml && ns test -f /usr/share/doc/posrevoke/examples/posrevoke.yaml
}

run_checks() {
    check "installed config: valid, no terminals, no plans, no simulated platform" check_installed_config
    NS_TIMEOUT=60 check "start: active after READY=1, STATUS shown" check_start
    check "reload: a valid config adds a polled terminal" check_reload_good
    check "reload: an invalid config fails, the service stays up" check_reload_bad
    check "journal: the demo's alerts with fields, and catalog text with -x" check_journal
    check "watchdog: SIGSTOP is killed and restarted; jobs resume; no re-announce" check_watchdog
    check "SIGKILL: restarted, no job state lost" check_sigkill
    check "stop: STOPPING=1 and a clean exit" check_stop
    check "sandbox: own user, writes only its directories, socket refuses outsiders" check_sandbox
    check "unit: systemd-analyze verify and security" check_unit
}
