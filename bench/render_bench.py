#!/usr/bin/env python3
"""What rendering adds to a check (issue #29: at most 5%). On the loopback lab
(examples/dnslab.rs, every answer delayed by DELAY ms; 0 is the worst case for the ratio, the
check being shortest there):

1. `dns check hive.test` live, in each format (text, json, svg, html, openmetrics), RUNS times
   each, the formats interleaved so that drift hits all alike: the median wall per format and
   its ratio to text's (text renders too, and is the cheapest report).
2. The same facts judged again offline (`--from-facts`, nothing sent): judging and rendering
   alone, per format; the difference to text is what the format's rendering costs.
3. N zones (dnslab --zones N) in one run, text against html (one page with N pictures).

Usage: bench/render.sh [DELAY_MS...] (default 0 20). Prints a table and writes
bench/out/render-results.md.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DNS = Path(os.environ.get("DNS_BIN", ROOT / "target" / "release" / "dns"))
LAB = ROOT / "target" / "release" / "examples" / "dnslab"
RUNS = int(os.environ.get("RUNS", "15"))
FORMATS = ["text", "json", "svg", "html", "openmetrics"]
ZONES = int(os.environ.get("ZONES", "20"))


def wall(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode, len(p.stdout)


def interleaved(commands, runs):
    """{label: (median seconds, exit code, output bytes)}, each command run `runs` times, in turn."""
    times = {label: [] for label in commands}
    last = {}
    for _ in range(runs):
        for label, cmd in commands.items():
            t, code, size = wall(cmd)
            times[label].append(t)
            last[label] = (code, size)
    return {label: (statistics.median(ts), *last[label]) for label, ts in times.items()}


def start_lab(delay, extra=()):
    lab = subprocess.Popen([str(LAB), "--delay", str(delay), *extra],
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hints, port = lab.stdout.readline().split()
    return lab, ["--root-hints", hints, "--port", port, "-4", "--timeout", "1000ms"]


def one_zone(delay, rows):
    lab, common = start_lab(delay)
    try:
        with tempfile.TemporaryDirectory() as work:
            zones = Path(work)
            (zones / "hive.test.yaml").write_text("$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: A, value: 192.0.2.11}\n")
            base = [str(DNS), "check", "hive.test", "--zones", str(zones)] + common
            live = interleaved({f: base + ["--format", f] for f in FORMATS}, RUNS)
            facts = zones / "facts.json"
            subprocess.run(base + ["--save-facts", str(facts)], stdout=subprocess.DEVNULL)
            replay = [str(DNS), "check", "--from-facts", str(facts)]
            offline = interleaved({f: replay + ["--format", f] for f in FORMATS}, RUNS)
    finally:
        lab.stdin.close()
        lab.wait()
    text_live, text_off = live["text"][0], offline["text"][0]
    for f in FORMATS:
        t, code, size = live[f]
        o = offline[f][0]
        rows.append((delay, "hive.test.", f, t, t / text_live, o, o - text_off, (o - text_off) / text_live, code, size))
        print(f"{delay} ms  hive.test.  {f:12} live {t * 1000:7.1f} ms (x{t / text_live:.3f} text)  "
              f"offline {o * 1000:6.1f} ms (+{(o - text_off) * 1000:.2f} ms = {100 * (o - text_off) / text_live:.2f}% of the live check)  "
              f"exit {code}, {size} bytes", flush=True)


def many(delay, rows):
    lab, common = start_lab(delay, ["--zones", str(ZONES)])
    try:
        with tempfile.TemporaryDirectory() as work:
            zones = Path(work)
            for i in range(1, ZONES + 1):
                (zones / f"z{i:02}.test.yaml").write_text("$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: A, value: 192.0.2.11}\n")
            base = [str(DNS), "check", "--zones", str(zones)] + common
            runs = max(RUNS // 3, 3)
            got = interleaved({f: base + ["--format", f] for f in ["text", "html"]}, runs)
    finally:
        lab.stdin.close()
        lab.wait()
    text = got["text"][0]
    for f in ["text", "html"]:
        t, code, size = got[f]
        rows.append((delay, f"{ZONES} zones", f, t, t / text, None, None, None, code, size))
        print(f"{delay} ms  {ZONES} zones  {f:12} {t * 1000:7.1f} ms (x{t / text:.3f} text)  exit {code}, {size} bytes", flush=True)


def main():
    delays = [int(d) for d in sys.argv[1:]] or [0, 20]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for d in delays:
        one_zone(d, rows)
        many(d, rows)
    lines = ["| delay | zones | format | live wall | × text | offline (--from-facts) | rendering over text | share of the live check | exit | bytes |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for delay, zones, f, t, ratio, off, extra, share, code, size in rows:
        off_s = "" if off is None else f"{off * 1000:.1f} ms"
        extra_s = "" if extra is None else f"{extra * 1000:+.2f} ms"
        share_s = "" if share is None else f"{100 * share:.2f}%"
        lines.append(f"| {delay} ms | {zones} | {f} | {t * 1000:.1f} ms | {ratio:.3f} | {off_s} | {extra_s} | {share_s} | {code} | {size} |")
    (OUT / "render-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
