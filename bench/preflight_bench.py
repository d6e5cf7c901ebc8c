#!/usr/bin/env python3
"""The pre-flight of a move against the verification of the same zone file, side by side.

examples/dnslab.rs --move N serves hive.test. with N addresses on two old servers (the
delegation) and four new ones, every answer delayed by DELAY ms (default 20). Each round runs
`dns check hive.test --zone-file F` (today's verification: the file on the two servers the
parent delegates to) and `dns check hive.test --zone-file F --expect-ns <the four new>` (the
same, plus the file on the four new servers and the questions beyond the file on all six), and
reports each wall time and their ratio. Usage: bench/preflight.sh [RECORDS] (default 1000).
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "preflight"
DNS = ROOT / "target" / "release" / "dns"
LAB = ROOT / "target" / "release" / "examples" / "dnslab"
NEW = ",".join(f"ns{i}.dns.test" for i in range(1, 5))


def zone_text(n):
    lines = ["$zone: {ttl: 300}"]
    lines += [f"h{i}: {{type: A, value: 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}}}" for i in range(n)]
    return "\n".join(lines) + "\n"


def check(hints, port, file, extra):
    t0 = time.monotonic()
    out = subprocess.run([str(DNS), "check", "hive.test", "-4", "--root-hints", hints, "--port", port,
                          "--zone-file", str(file), "--json"] + extra, capture_output=True, text=True)
    wall = time.monotonic() - t0
    doc = json.loads(out.stdout)
    return wall, doc


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    delay = os.environ.get("DELAY", "20")
    rounds = int(os.environ.get("ROUNDS", "5"))
    subprocess.run(["rm", "-rf", str(OUT)])
    OUT.mkdir(parents=True)
    file = OUT / "hive.test.yaml"
    file.write_text(zone_text(n))
    lab = subprocess.Popen([str(LAB), "--move", str(n), "--delay", delay], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    hints, port = lab.stdout.readline().split()
    time.sleep(0.5)
    print(f"{n} records, every answer delayed {delay} ms; 2 old servers, 4 new")
    print("| round | verification (s) | pre-flight (s) | ratio | identical (old) | identical (new) | messages (verification / pre-flight) | state |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    ratios = []
    try:
        for r in range(rounds):
            base, doc0 = check(hints, port, file, [])
            pre, doc1 = check(hints, port, file, ["--expect-ns", NEW])
            same = lambda v: sum(1 for s in v["sets"] if all(x[2]["result"] in ("same", "matched") for x in s["servers"]))
            ratios.append(pre / base)
            print(f"| {r + 1} | {base:.2f} | {pre:.2f} | {pre / base:.2f} | {same(doc1['verification'])}/{n} | "
                  f"{same(doc1['preflight'])}/{n} | {doc0['queries']} / {doc1['queries']} | {doc1['move']['state']} |")
    finally:
        lab.stdin.close()
        lab.wait()
    print(f"median ratio {statistics.median(ratios):.2f} (limit 1.30), worst {max(ratios):.2f}")


if __name__ == "__main__":
    main()
