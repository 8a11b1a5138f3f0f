# Sourced by the scripts in this folder: installs the Debian packages posrevoke needs when they are missing.
# shellcheck shell=bash

# ensure_packages PKG...: installs whichever of PKG are not installed yet (as root, or through sudo).
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "==> installing missing packages: ${missing[*]}" >&2
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "error: not root and no sudo; install them yourself: apt-get install ${missing[*]}" >&2
            return 1
        fi
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ensure_promtool: Prometheus's promtool (it checks /metrics and the alerting rules in the tests), as .build/tools/
# promtool, taken out of Debian's prometheus package without installing it: installing would start a Prometheus.
ensure_promtool() {
    [ -x .build/tools/promtool ] && return 0
    if command -v promtool >/dev/null 2>&1; then
        mkdir -p .build/tools && ln -sf "$(command -v promtool)" .build/tools/promtool
        return 0
    fi
    echo "==> fetching promtool from Debian's prometheus package" >&2
    local scratch
    scratch=$(mktemp -d)
    (cd "$scratch" && apt-get download prometheus >/dev/null 2>&1) || {
        local sudo=()
        [ "$(id -u)" -eq 0 ] || sudo=(sudo)
        "${sudo[@]}" apt-get update -qq
        (cd "$scratch" && apt-get download prometheus >/dev/null)
    }
    dpkg-deb -x "$scratch"/prometheus_*.deb "$scratch/root"
    mkdir -p .build/tools
    install -m 0755 "$scratch/root/usr/bin/promtool" .build/tools/promtool
    rm -rf "$scratch"
}

# ensure_swift: fails with a clear message when the Swift toolchain is not on PATH.
ensure_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || {
        echo "error: the Swift toolchain (6.0 or later) is not on PATH; see https://www.swift.org/install/linux/" >&2
        return 1
    }
}

# The packages every build needs: libsystemd for sd_notify/journal, SQLite for the state store.
BUILD_PACKAGES=(pkg-config libsystemd-dev libsqlite3-dev zlib1g-dev)
