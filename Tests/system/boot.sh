#!/bin/sh
# Runs inside fresh pid, mount and cgroup namespaces (see run.sh): gives the new system private /run, /tmp,
# /var/tmp and journal, puts throw-away overlays over /etc, /usr and /var/lib so installing the package never
# touches the host, installs the package with apt, and boots systemd as PID 1 into a minimal target.
#
#   boot.sh WORKDIR DEB
set -eu
work=$1
deb=$2
mount -t proc proc /proc
mount -t cgroup2 none /sys/fs/cgroup
# Everything the boot needs goes onto a tmpfs at /mnt first: the checkout (and so $work) may live under /tmp or
# /var/tmp, which are covered below.
stage=/mnt
mkdir -p "$stage"
mount -t tmpfs tmpfs "$stage"
cp "$deb" "$work/config.yaml" "$stage/"
for d in /etc /usr /var/lib /var/cache /var/log; do
    name=$(echo "$d" | tr / _)
    mkdir -p "$stage/overlay/$name/upper" "$stage/overlay/$name/work"
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$stage/overlay/$name/upper,workdir=$stage/overlay/$name/work" "$d"
done
# Private tmpfs before systemd starts: without them its tmpfiles clean-up would empty the host's /tmp.
for d in /run /tmp /var/tmp /var/log/journal; do
    mkdir -p "$d"
    mount -t tmpfs tmpfs "$d"
done

DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$stage/$(basename "$deb")" \
    > "$stage/apt.log" 2>&1 || {
    echo "apt install failed:" >&2
    cat "$stage/apt.log" >&2
    exit 70
}

mkdir -p /run/systemd/system
cat > /run/systemd/system/posrevoke-test.target <<'UNIT'
[Unit]
Description=posrevoke system test
Requires=systemd-journald.service
After=systemd-journald.service
UNIT
# Faster watchdog and restart for the test; everything else is the shipped unit.
mkdir -p /run/systemd/system/posrevoked.service.d
cat > /run/systemd/system/posrevoked.service.d/test.conf <<'UNIT'
[Service]
WatchdogSec=6s
RestartSec=1s
UNIT
# The config the package installed, kept for the check that it watches and runs nothing.
cp /etc/posrevoke/posrevoke.yaml /etc/posrevoke/installed.yaml
cp "$stage/config.yaml" /etc/posrevoke/posrevoke.yaml
export container=posrevoke-test
exec /lib/systemd/systemd --system --unit=posrevoke-test.target
