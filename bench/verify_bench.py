#!/usr/bin/env python3
"""Verification at scale: `dns check` verifying a zone of N records on 4 servers, against
dnsperf (a raw DNS load generator) asking the same server the same questions, side by side.

NSD serves the zone (written by `dns export`) on 127.53.2.1-4 port 53; examples/dnslab.rs serves
the root and test. and delegates hive.test. to those four addresses. dns check asks every record
set of the file of every server (N x 4 questions) and compares; dnsperf sends the same N x 4
questions as fast as it can. Run as root. Usage: bench/verify.sh [RECORDS] (default 10000).
"""
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "verify"
DNS = ROOT / "target" / "release" / "dns"
LAB = ROOT / "target" / "release" / "examples" / "dnslab"
SERVERS = ["127.53.2.1", "127.53.2.2", "127.53.2.3", "127.53.2.4"]


def zone_text(n):
    lines = ["$zone: {ttl: 300}"]
    for i in range(n):
        if i % 10 == 9:
            lines.append(f"t{i}: {{type: TXT, value: 'v=spf1 ip4:10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255} -all'}}")
        elif i % 10 == 8:
            lines.append(f"m{i}: {{type: MX, value: {{preference: 10, exchange: mx{i}.example.net.}}}}")
        else:
            lines.append(f"h{i}: {{type: A, value: 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}}}")
    return "\n".join(lines) + "\n"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    subprocess.run(["rm", "-rf", str(OUT)])
    (OUT / "zones").mkdir(parents=True)
    (OUT / "zones" / "hive.test.yaml").write_text(zone_text(n))
    ns = ",".join(f"ns{i + 1}.dns.test" for i in range(4))
    subprocess.run([str(DNS), "export", "hive.test", "--zones", str(OUT / "zones"), "--ns", ns, "-o", str(OUT / "hive.test.zone")], check=True)
    conf = OUT / "nsd.conf"
    conf.write_text("server:\n" + "".join(f"  ip-address: {a}@53\n" for a in SERVERS) +
                    f'  username: ""\n  chroot: ""\n  zonesdir: "{OUT}"\n  pidfile: "{OUT}/nsd.pid"\n  xfrdfile: "{OUT}/xfrd.state"\n'
                    f'  zonelistfile: "{OUT}/zone.list"\n  logfile: "{OUT}/nsd.log"\n  database: ""\n  server-count: 1\n'
                    f'remote-control:\n  control-enable: no\nzone:\n  name: hive.test.\n  zonefile: "hive.test.zone"\n')
    nsd = subprocess.Popen(["nsd", "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab = subprocess.Popen([str(LAB), "--port", "53", "--external", "4"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hints, _ = lab.stdout.readline().split()
    time.sleep(1.0)
    try:
        t0 = time.monotonic()
        check = subprocess.run([str(DNS), "check", "hive.test", "-4", "--root-hints", hints, "--zone-file", str(OUT / "zones" / "hive.test.yaml"), "--json"],
                               capture_output=True, text=True)
        wall = time.monotonic() - t0
        import json
        doc = json.loads(check.stdout)
        sets = doc["verification"]["sets"]
        questions = sum(len(s["servers"]) for s in sets)
        same = sum(1 for s in sets if all(x[2]["result"] == "same" for x in s["servers"]))
        dns_qps = questions / wall
        print(f"dns check: {questions} verification questions in {wall:.2f} s = {dns_qps:,.0f} q/s; "
              f"{same} of {len(sets)} record sets identical on all 4 servers; findings {len(doc['findings'])}; exit {check.returncode}")

        # dnsperf: the same questions, each server in turn, one pass, as fast as it goes.
        qfile = OUT / "queries.txt"
        qfile.write_text("".join(f"{s['name']} {s['type']}\n" for s in sets))
        total_q, total_t, lost = 0, 0.0, 0
        rates = []
        for server in SERVERS:
            perf = subprocess.run(["dnsperf", "-s", server, "-p", "53", "-d", str(qfile), "-n", "1", "-c", "4", "-q", "256"],
                                  capture_output=True, text=True)
            sent = int(re.search(r"Queries sent:\s+(\d+)", perf.stdout).group(1))
            lost += int(re.search(r"Queries lost:\s+(\d+)", perf.stdout).group(1))
            elapsed = float(re.search(r"Run time \(s\):\s+([\d.]+)", perf.stdout).group(1))
            total_q += sent
            total_t += elapsed
            rates.append(float(re.search(r"Queries per second:\s+([\d.]+)", perf.stdout).group(1)))
        perf_qps = total_q / total_t
        print(f"dnsperf:   {total_q} questions in {total_t:.2f} s = {perf_qps:,.0f} q/s (per server {', '.join(f'{r:,.0f}' for r in rates)}); lost {lost}")
        print(f"ratio: dns check verifies at {dns_qps / perf_qps:.0%} of the generator's rate")
        (OUT / "results.md").write_text(
            "| tool | questions | time (s) | rate (q/s) | lost/mismatched |\n|---|---:|---:|---:|---:|\n"
            f"| dns check (verify {len(sets)} record sets x 4 servers, whole check) | {questions} | {wall:.2f} | {dns_qps:,.0f} | {len(sets) - same} |\n"
            f"| dnsperf (same questions, one pass per server) | {total_q} | {total_t:.2f} | {perf_qps:,.0f} | {lost} |\n")
    finally:
        lab.stdin.close()
        lab.wait(timeout=10)
        nsd.kill()
        nsd.wait()


if __name__ == "__main__":
    main()
