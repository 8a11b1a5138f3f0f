"""Writes the benchmark's simulator config: N terminals, 1 % of them lingering after a cutover.

Usage: bench_fleet.py N FIRST_CUTOVER_EPOCH SPREAD_SECONDS
The lingering terminals' cutovers are spread evenly over SPREAD_SECONDS from FIRST_CUTOVER_EPOCH.
"""
import datetime
import sys

n, first, spread = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
width = max(5, len(str(n)))
lingering = list(range(1, n + 1, 100))


def name(i):
    return f"t-{i:0{width}d}"


def stamp(epoch):
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


print("simulation:")
print("  seed: 7")
print("  transactions_per_minute: 2")
print("  credit_pay_share: 0.5")
print("  feedback_per_hour: 1")
print("  scenario:")
print("    still_trying_share: 0")
print("    missed_update: [" + ", ".join(name(i) for i in lingering) + "]")
print("terminals:")
cutover = {i: first + spread * k / len(lingering) for k, i in enumerate(lingering)}
for i in range(1, n + 1):
    if i in cutover:
        providers = f"{{wechat-payscore: {{state: cancelled, cutover: {stamp(cutover[i])}}}}}"
    else:
        providers = "{wechat-payscore: {state: active}}"
    print(f"  - {{id: {name(i)}, store: s-{(i - 1) // 20:05d}, providers: {providers}}}")
