# Sourced by deploy/install.sh and scripts/build-deb: where every installed file goes, relative to a root.
# shellcheck shell=bash

# place ROOT BINDIR: copies the built binaries and the deploy/config files under ROOT (an empty ROOT is /).
place() {
    local root=$1 bindir=$2
    install -D -m 0755 "$bindir/posrevoked" "$root/usr/bin/posrevoked"
    install -D -m 0755 "$bindir/posrevokectl" "$root/usr/bin/posrevokectl"
    install -D -m 0644 deploy/posrevoked.service "$root/lib/systemd/system/posrevoked.service"
    install -D -m 0644 deploy/posrevoke.sysusers "$root/usr/lib/sysusers.d/posrevoke.conf"
    install -D -m 0644 deploy/posrevoke.tmpfiles "$root/usr/lib/tmpfiles.d/posrevoke.conf"
    install -D -m 0644 deploy/posrevoke.catalog "$root/usr/lib/systemd/catalog/posrevoke.catalog"
    install -D -m 0644 deploy/completions/posrevokectl.bash "$root/usr/share/bash-completion/completions/posrevokectl"
    install -D -m 0644 deploy/completions/posrevokectl.zsh "$root/usr/share/zsh/vendor-completions/_posrevokectl"
    install -D -m 0644 deploy/completions/posrevokectl.fish "$root/usr/share/fish/vendor_completions.d/posrevokectl.fish"
    for page in posrevoked posrevokectl; do
        install -D -m 0644 "docs/man/$page.1" "$root/usr/share/man/man1/$page.1"
        gzip -9nf "$root/usr/share/man/man1/$page.1"
    done
    # Examples only: the installed /etc/posrevoke/posrevoke.yaml is deploy/posrevoke.yaml, which watches nothing.
    install -D -m 0644 config/demo.yaml "$root/usr/share/doc/posrevoke/examples/demo.yaml"
    install -D -m 0644 config/demo-plan.yaml "$root/usr/share/doc/posrevoke/examples/demo-plan.yaml"
    install -D -m 0644 config/posrevoke.yaml "$root/usr/share/doc/posrevoke/examples/posrevoke.yaml"
    install -D -m 0644 README.md "$root/usr/share/doc/posrevoke/README.md"
    install -D -m 0644 docs/jobs.md "$root/usr/share/doc/posrevoke/jobs.md"
    install -D -m 0644 docs/platform-evidence.md "$root/usr/share/doc/posrevoke/platform-evidence.md"
    install -D -m 0644 docs/metrics.md "$root/usr/share/doc/posrevoke/metrics.md"
    # For the operator's Prometheus and Grafana: alerting rules on /metrics, and a dashboard.
    install -D -m 0644 deploy/prometheus/posrevoke.rules.yml "$root/usr/share/doc/posrevoke/examples/posrevoke.rules.yml"
    install -D -m 0644 deploy/grafana/posrevoke.json "$root/usr/share/doc/posrevoke/examples/grafana-dashboard.json"
}
