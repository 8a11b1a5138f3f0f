"""Figures for scripts/bench: one JSON line per run, Prometheus's own counters, and the final table.

  bench_report.py daemon WORK N CPU0 CPU1 SIM0 SIM1 T0 T1 RSS_KB
  bench_report.py prometheus WORK N CPU0 CPU1 SIM0 SIM1 T0 T1 RSS_KB SCRAPES TARGETS_UP
  bench_report.py scrapes URL      # scrapes Prometheus has done so far
  bench_report.py up URL           # targets Prometheus sees up now
  bench_report.py table RESULTS.jsonl
"""
import json
import os
import sqlite3
import statistics
import sys
import urllib.parse
import urllib.request

LINGERING = "5176092aa5164af3a56674a16cff81c0"


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p))]


def window(argv):
    work, n, cpu0, cpu1, sim0, sim1, t0, t1, rss = argv[:9]
    elapsed = float(t1) - float(t0)
    return work, int(n), float(cpu1) - float(cpu0), float(sim1) - float(sim0), elapsed, int(rss)


def detection(work):
    """Seconds from each terminal's first lingering payment to its alert's journal entry."""
    entries = []
    with open(os.path.join(work, "journal.json"), encoding="utf-8") as journal:
        for line in journal:
            entry = json.loads(line)
            if entry.get("MESSAGE_ID") == LINGERING and entry.get("ALERT_STATE") == "firing":
                entries.append(entry)
    db = sqlite3.connect(os.path.join(work, "state", "state.sqlite"))
    seen, latencies = set(), []
    for entry in sorted(entries, key=lambda e: int(e["__REALTIME_TIMESTAMP"])):
        terminal = entry.get("TERMINAL_ID")
        if terminal in seen:
            continue
        seen.add(terminal)
        row = db.execute("SELECT time FROM txn WHERE id = ?", (entry.get("FIRST_TRANSACTION_ID"),)).fetchone()
        if row:
            latencies.append(int(entry["__REALTIME_TIMESTAMP"]) / 1e6 - row[0])
    return latencies


def daemon(argv):
    work, n, cpu, sim, elapsed, rss = window(argv)
    with open(os.path.join(work, "status-0.json"), encoding="utf-8") as f:
        s0 = json.load(f)
    with open(os.path.join(work, "status-1.json"), encoding="utf-8") as f:
        s1 = json.load(f)
    with open(os.path.join(work, "status-samples.jsonl"), encoding="utf-8") as f:
        samples = [json.loads(line) for line in f if line.strip()]
    polls = s1["pollsLaunched"] - s0["pollsLaunched"]
    peer = argv[9] if len(argv) > 9 else "posrevoked"
    # The fleet's lingering payments start during the first run's window: only that run can time their detection.
    latencies = detection(work) if peer == "posrevoked" else []
    print(json.dumps({
        "peer": peer,
        "terminals": n,
        "seconds": round(elapsed, 1),
        "polls": polls,
        "polls_per_second": round(polls / elapsed, 1),
        "cpu_seconds_per_1000_polls": round(cpu / polls * 1000, 3) if polls else None,
        "cores": round(cpu / elapsed, 3),
        "peak_rss_mb": round(rss / 1024, 1),
        "skipped_polls": s1["pollsSkipped"] - s0["pollsSkipped"],
        # Each sample covers the latest 4,096 polls: the median of the p50s, the worst of the p99s.
        "lateness_p50_ms": round(statistics.median(s["latenessP50Milliseconds"] for s in samples), 2),
        "lateness_p99_ms": round(max(s["latenessP99Milliseconds"] for s in samples), 2),
        "lingering_terminals": len(range(1, n + 1, 100)),
        "detected": len(latencies) if peer == "posrevoked" else None,
        "detection_p50_s": round(percentile(latencies, 0.5), 2) if latencies else None,
        "detection_p99_s": round(percentile(latencies, 0.99), 2) if latencies else None,
        "detection_max_s": round(max(latencies), 2) if latencies else None,
        "simulator_cores": round(sim / elapsed, 3),
    }))


def prometheus(argv):
    work, n, cpu, sim, elapsed, rss = window(argv)
    scrapes, up = int(argv[9]), int(argv[10])
    print(json.dumps({
        "peer": "prometheus",
        "terminals": n,
        "seconds": round(elapsed, 1),
        "polls": scrapes,
        "polls_per_second": round(scrapes / elapsed, 1),
        "cpu_seconds_per_1000_polls": round(cpu / scrapes * 1000, 3) if scrapes else None,
        "cores": round(cpu / elapsed, 3),
        "peak_rss_mb": round(rss / 1024, 1),
        "targets_up": up,
        "simulator_cores": round(sim / elapsed, 3),
    }))


def query(url, expression):
    with urllib.request.urlopen(f"{url}/api/v1/query?query={urllib.parse.quote(expression)}", timeout=30) as answer:
        result = json.load(answer)["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def scrapes(url):
    """Scrapes done so far, from Prometheus's own /metrics (it does not scrape itself here)."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=30) as answer:
        text = answer.read().decode()
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith("prometheus_target_interval_length_seconds_count")
    )


def table(path):
    with open(path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    columns = [
        ("peer", "peer"), ("terminals", "terminals"), ("polls_per_second", "polls/s"),
        ("cores", "cores"), ("cpu_seconds_per_1000_polls", "CPU-s/1000 polls"), ("peak_rss_mb", "peak RSS MB"),
        ("lateness_p50_ms", "late p50 ms"), ("lateness_p99_ms", "late p99 ms"), ("skipped_polls", "skipped"),
        ("detection_p99_s", "detect p99 s"), ("simulator_cores", "sim cores"),
    ]
    print("| " + " | ".join(title for _, title in columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join("" if row.get(key) is None else str(row[key]) for key, _ in columns) + " |")


command = sys.argv[1]
if command == "daemon":
    daemon(sys.argv[2:])
elif command == "prometheus":
    prometheus(sys.argv[2:])
elif command == "scrapes":
    print(scrapes(sys.argv[2]))
elif command == "up":
    print(int(query(sys.argv[2], "count(up == 1)")))
elif command == "table":
    table(sys.argv[2])
else:
    sys.exit(f"unknown command {command}")
