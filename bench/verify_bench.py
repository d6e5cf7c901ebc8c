#!/usr/bin/env python3
"""Verification at scale: `dns check` verifying a zone of N records on 4 servers, against
dnsperf (a raw DNS load generator) asking the same server the same questions, side by side.

NSD serves the zone (written by `dns export`) on 127.53.2.1-4 port 53; examples/dnslab.rs serves
the root and test. and delegates hive.test. to those four addresses. dns check asks every record
set of the file of every server (N x 4 questions) and compares; dnsperf sends the same N x 4
questions as fast as it can. Run as root. Usage: bench/verify.sh [RECORDS] (default 10000).

SIGNED=1: the zone is signed by BIND's dnssec-signzone (ECDSA P-256, a KSK and a ZSK, NSEC) and
test. holds its DS, so dns check also verifies every answer's signatures with the zone's keys
(N x 4 answers, each with its RRSIG); dnsperf asks the same questions with the DO bit (-D).
"""
import json
import os
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


def sign(zone_file):
    """Signs hive.test. in place (KSK + ZSK, ECDSA P-256, NSEC) and returns the DS's rdata."""
    run = lambda *a: subprocess.run(list(a), check=True, cwd=OUT, capture_output=True, text=True).stdout
    ksk = run("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "-f", "KSK", "hive.test").strip()
    run("dnssec-keygen", "-q", "-a", "ECDSAP256SHA256", "hive.test")
    run("dnssec-signzone", "-S", "-K", str(OUT), "-o", "hive.test", "-f", f"{zone_file}.signed", str(zone_file))
    os.replace(f"{zone_file}.signed", zone_file)
    # "hive.test. IN DS 12345 13 2 ABCD..." -> "12345 13 2 ABCD..."
    return " ".join(run("dnssec-dsfromkey", "-2", f"{ksk}.key").split()[3:])


def measured(cmd):
    """Runs cmd; returns (stdout, exit code, wall seconds, peak RSS in MiB) of that process alone.
    The peak comes from /usr/bin/time: a child forked from this (large) Python process would
    inherit its resident size as the start of its own ru_maxrss."""
    t0 = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    wall = time.monotonic() - t0
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    rss = int(last) / 1024 if last.isdigit() else float("nan")
    return proc.stdout, proc.returncode, wall, rss


def dnssec_verify(zone_file):
    """BIND's dnssec-verify of the signed file: (wall seconds, peak RSS MiB)."""
    _, code, wall, rss = measured(["dnssec-verify", "-o", "hive.test", str(zone_file)])
    assert code == 0, "dnssec-verify refused the signed zone"
    return wall, rss


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    signed = os.environ.get("SIGNED") == "1"
    subprocess.run(["rm", "-rf", str(OUT)])
    (OUT / "zones").mkdir(parents=True)
    (OUT / "zones" / "hive.test.yaml").write_text(zone_text(n))
    ns = ",".join(f"ns{i + 1}.dns.test" for i in range(4))
    subprocess.run([str(DNS), "export", "hive.test", "--zones", str(OUT / "zones"), "--ns", ns, "-o", str(OUT / "hive.test.zone")], check=True)
    ds = sign(OUT / "hive.test.zone") if signed else None
    conf = OUT / "nsd.conf"
    conf.write_text("server:\n" + "".join(f"  ip-address: {a}@53\n" for a in SERVERS) +
                    f'  username: ""\n  chroot: ""\n  zonesdir: "{OUT}"\n  pidfile: "{OUT}/nsd.pid"\n  xfrdfile: "{OUT}/xfrd.state"\n'
                    f'  zonelistfile: "{OUT}/zone.list"\n  logfile: "{OUT}/nsd.log"\n  database: ""\n  server-count: 1\n'
                    f'remote-control:\n  control-enable: no\nzone:\n  name: hive.test.\n  zonefile: "hive.test.zone"\n')
    nsd = subprocess.Popen(["nsd", "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lab = subprocess.Popen([str(LAB), "--port", "53", "--external", "4"] + (["--ds", ds] if ds else []), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hints, _ = lab.stdout.readline().split()
    time.sleep(1.0)
    try:
        rounds = int(os.environ.get("ROUNDS", "5"))
        rows = []
        for r in range(rounds):
            # dns check: the whole check (start, walk, load of the file, verification, JSON out).
            out, code, wall, rss = measured([str(DNS), "check", "hive.test", "-4", "--root-hints", hints, "--zone-file", str(OUT / "zones" / "hive.test.yaml"), "--json"])
            doc = json.loads(out)
            sets = doc["verification"]["sets"]
            questions = sum(len(s["servers"]) for s in sets)
            same = sum(1 for s in sets if all(x[2]["result"] == "same" for x in s["servers"]))
            dns_qps = questions / wall

            # dnsperf: the same questions, each server in turn, one pass, as fast as it goes.
            qfile = OUT / "queries.txt"
            qfile.write_text("".join(f"{s['name']} {s['type']}\n" for s in sets))
            total_q, total_t, lost = 0, 0.0, 0
            for server in SERVERS:
                perf = subprocess.run(["dnsperf", "-s", server, "-p", "53", "-d", str(qfile), "-n", "1", "-c", "4", "-q", "256"] + (["-D"] if signed else []),
                                      capture_output=True, text=True)
                total_q += int(re.search(r"Queries sent:\s+(\d+)", perf.stdout).group(1))
                lost += int(re.search(r"Queries lost:\s+(\d+)", perf.stdout).group(1))
                total_t += float(re.search(r"Run time \(s\):\s+([\d.]+)", perf.stdout).group(1))
            perf_qps = total_q / total_t
            ratio = dns_qps / perf_qps
            rows.append((wall, dns_qps, same, len(sets), len(doc["findings"]), code, total_t, perf_qps, lost, ratio, rss))
            verify = ""
            if signed:
                v_wall, v_rss = dnssec_verify(OUT / "hive.test.zone")
                verify = f" | dnssec-verify {v_wall:.2f} s, peak {v_rss:.1f} MiB"
            print(f"round {r + 1}: dns check {questions} questions in {wall:.2f} s = {dns_qps:,.0f} q/s, peak {rss:.1f} MiB, {same}/{len(sets)} identical, "
                  f"findings {len(doc['findings'])}, exit {code}{verify} | dnsperf {total_q} in {total_t:.2f} s = {perf_qps:,.0f} q/s, "
                  f"lost {lost} | ratio {ratio:.0%}")
        ratios = sorted(r[9] for r in rows)
        median = ratios[len(ratios) // 2]
        best_perf = max(r[7] for r in rows)
        median_dns = sorted(r[1] for r in rows)[len(rows) // 2]
        print(f"median ratio {median:.0%} (worst {ratios[0]:.0%}, best {ratios[-1]:.0%}); "
              f"median dns rate against dnsperf's best round: {median_dns / best_perf:.0%}")
        lines = ["| round | dns check time (s) | dns peak RSS (MiB) | dns rate (q/s) | identical sets | findings | dnsperf time (s) | dnsperf rate (q/s) | dnsperf lost | ratio |",
                 "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for i, (wall, dq, same, nsets, nf, code, pt, pq, lost, ratio, rss) in enumerate(rows):
            lines.append(f"| {i + 1} | {wall:.2f} | {rss:.1f} | {dq:,.0f} | {same}/{nsets} | {nf} | {pt:.2f} | {pq:,.0f} | {lost} | {ratio:.0%} |")
        lines.append(f"\nmedian ratio {median:.0%} (worst {ratios[0]:.0%}); median dns rate / dnsperf's best round {median_dns / best_perf:.0%}")
        (OUT.parent / f"verify-results-{n}{'-signed' if signed else ''}.md").write_text("\n".join(lines) + "\n")
    finally:
        lab.stdin.close()
        lab.wait(timeout=10)
        nsd.kill()
        nsd.wait()


if __name__ == "__main__":
    main()
