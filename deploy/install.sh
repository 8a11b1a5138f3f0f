#!/usr/bin/env bash
# Installs posrevoke from a built tree into the standard paths, or removes it again. As root.
#
#   deploy/install.sh install [BINDIR]    # BINDIR defaults to .build/release
#   deploy/install.sh uninstall [--purge] # --purge also removes /etc/posrevoke and /var/lib/posrevoke
#
# Prefer the Debian package (scripts/build-deb, then `apt install ./dist/posrevoke_*.deb`) where dpkg is used.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "error: run as root" >&2; exit 1; }

case "${1:-}" in
install)
    bindir=${2:-.build/release}
    [ -x "$bindir/posrevoked" ] && [ -x "$bindir/posrevokectl" ] || {
        echo "error: no built binaries in $bindir (swift build -c release)" >&2
        exit 1
    }
    . deploy/layout.sh
    place "" "$bindir"
    systemd-sysusers posrevoke.conf
    systemd-tmpfiles --create posrevoke.conf
    if [ ! -e /etc/posrevoke/posrevoke.yaml ]; then
        install -m 0640 -g posrevoke deploy/posrevoke.yaml /etc/posrevoke/posrevoke.yaml
    fi
    journalctl --update-catalog
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
    echo "installed; edit /etc/posrevoke/posrevoke.yaml, then: systemctl enable --now posrevoked"
    ;;
uninstall)
    if [ -d /run/systemd/system ]; then
        systemctl disable --now posrevoked.service 2>/dev/null || true
    fi
    rm -f /usr/bin/posrevoked /usr/bin/posrevokectl /lib/systemd/system/posrevoked.service \
        /usr/lib/sysusers.d/posrevoke.conf /usr/lib/tmpfiles.d/posrevoke.conf \
        /usr/lib/systemd/catalog/posrevoke.catalog /usr/share/bash-completion/completions/posrevokectl \
        /usr/share/zsh/vendor-completions/_posrevokectl /usr/share/fish/vendor_completions.d/posrevokectl.fish \
        /usr/share/man/man1/posrevoked.1.gz /usr/share/man/man1/posrevokectl.1.gz
    rm -rf /usr/share/posrevoke /usr/share/doc/posrevoke
    if [ "${2:-}" = --purge ]; then rm -rf /etc/posrevoke /var/lib/posrevoke; fi
    journalctl --update-catalog
    if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
    echo "removed posrevoke${2:+ (purged config and state)}; the posrevoke system user is kept"
    ;;
*)
    sed -n '2,8p' "$0" >&2
    exit 2
    ;;
esac
