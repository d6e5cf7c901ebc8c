#!/usr/bin/env python3
"""`dns check --names` of a portfolio on NSD, with NSD's response-rate limiting on and off.

Three NSD processes on loopback, as tests/common/portfolio.rs builds them: the root
(127.54.0.1), `test.` (127.54.1.1-2) and a provider (127.54.2.1-2) serving Z lab zones
z001.test. …; the names file holds the Z zones and N-Z names the TLD does not delegate. For each
size, `dns check --names FILE --summary -v` runs with the TLD's and root's limiting off
(`rrl-ratelimit: 0`) and on (NSD's default, 200 answers a second per kind), and once more on
with no pacing (`--max-qps 0`), and once with `--json-lines` (each zone written as it is done, its facts let go), and reports:
wall time, peak RSS, the questions to each
server address (from -v), the floor the pacing sets (the busiest address's questions at
`--max-qps`, less the second's worth that may go at once), the ratio of the wall to that floor,
and the ratio of on to off. Usage: bench/portfolio.sh [NAMES ...] (default 1000 10000);
CASES=on (labels, comma-separated) runs only those cases; DNS_BIN another dns binary (an older
build, side by side).
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DNS = Path(os.environ.get("DNS_BIN", ROOT / "target" / "release" / "dns"))
ZONES = 50
QPS = 100


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def soa(apex, ns):
    mail = "hostmaster.root.lab." if apex == "." else f"hostmaster.{apex}"
    return f"$TTL 3600\n{apex} IN SOA {ns} {mail} 1 7200 3600 1209600 3600\n"


def zone_files(zones):
    root = soa(".", "a.root.lab.") + (
        ". NS a.root.lab.\na.root.lab. A 127.54.0.1\n"
        "test. NS ns1.nic.test.\ntest. NS ns2.nic.test.\n"
        "ns1.nic.test. A 127.54.1.1\nns2.nic.test. A 127.54.1.2\n")
    tld = soa("test.", "ns1.nic.test.") + (
        "test. NS ns1.nic.test.\ntest. NS ns2.nic.test.\n"
        "ns1.nic.test. A 127.54.1.1\nns2.nic.test. A 127.54.1.2\n"
        "dns.test. NS ns1.dns.test.\ndns.test. NS ns2.dns.test.\n"
        "ns1.dns.test. A 127.54.2.1\nns2.dns.test. A 127.54.2.2\n")
    provider = {"dns.test.": soa("dns.test.", "ns1.dns.test.") + (
        "dns.test. NS ns1.dns.test.\ndns.test. NS ns2.dns.test.\n"
        "ns1.dns.test. A 127.54.2.1\nns2.dns.test. A 127.54.2.2\n")}
    for i in range(1, zones + 1):
        z = f"z{i:03}.test."
        tld += f"{z} NS ns1.dns.test.\n{z} NS ns2.dns.test.\n"
        provider[z] = soa(z, "ns1.dns.test.") + (
            f"{z} NS ns1.dns.test.\n{z} NS ns2.dns.test.\n"
            f"{z} A 192.0.2.{i % 250 + 1}\nwww.{z} A 192.0.2.{i % 250 + 1}\n")
    return {".": root}, {"test.": tld}, provider


def serve(state, port, addrs, zones, options):
    state.mkdir(parents=True, exist_ok=True)
    conf = "server:\n" + options
    conf += "".join(f"  ip-address: {a}@{port}\n" for a in addrs)
    conf += (f'  username: ""\n  chroot: ""\n  zonesdir: "{state}"\n  pidfile: "{state}/nsd.pid"\n'
             f'  xfrdfile: "{state}/xfrd.state"\n  zonelistfile: "{state}/zone.list"\n'
             f'  logfile: "{state}/nsd.log"\n  database: ""\nremote-control:\n  control-enable: no\n')
    for name, text in zones.items():
        file = (name.lstrip(".") or "root") + "zone"
        (state / file).write_text(text)
        conf += f'zone:\n  name: {name}\n  zonefile: "{file}"\n'
    (state / "nsd.conf").write_text(conf)
    proc = subprocess.Popen(["nsd", "-d", "-c", str(state / "nsd.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection((addrs[-1], port), timeout=0.2).close()
            time.sleep(0.5)  # every zone loaded
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit(f"nsd did not start on {addrs[-1]}:{port}")


def lab(workdir, names, limited):
    port = free_port()
    root, tld, provider = zone_files(ZONES)
    options = "" if limited else "  rrl-ratelimit: 0\n"
    procs = [serve(workdir / "root", port, ["127.54.0.1"], root, options),
             serve(workdir / "tld", port, ["127.54.1.1", "127.54.1.2"], tld, options),
             serve(workdir / "provider", port, ["127.54.2.1", "127.54.2.2"], provider, options)]
    hints = workdir / "root.hints"
    hints.write_text(". 3600000 NS a.root.lab.\na.root.lab. 3600000 A 127.54.0.1\n")
    listed = workdir / "names.txt"
    text = "".join(f"z{i:03}.test.\n" for i in range(1, ZONES + 1))
    text += "".join(f"n{i:05}.test.\n" for i in range(1, names - ZONES + 1))
    listed.write_text(text)
    return procs, port, hints, listed


def run(names, limited, qps, lines=False):
    with tempfile.TemporaryDirectory() as d:
        procs, port, hints, listed = lab(Path(d), names, limited)
        try:
            cmd = ["/usr/bin/time", "-f", "%M", str(DNS), "check", "--names", str(listed),
                   "--root-hints", str(hints), "--port", str(port), "-v",
                   "--max-qps", str(qps), "--json-lines" if lines else "--summary"]
            t0 = time.monotonic()
            out = subprocess.run(cmd, capture_output=True, text=True)
            wall = time.monotonic() - t0
        finally:
            for p in procs:
                p.terminate()  # NSD stops its server processes on SIGTERM
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
    err = out.stderr.strip().splitlines()
    rss = int(err[-1]) / 1024 if err and err[-1].isdigit() else float("nan")
    sent = {m.group(2): int(m.group(1))
            for m in re.finditer(r"(\d+) questions to (\S+)", out.stderr)}
    if lines and out.stdout:
        import json
        last = json.loads(out.stdout.splitlines()[-1])["summary"]
        summary = f"json-lines: {last['zones']} zones, {last['ok']} ok, {last['errors']} with errors"
    else:
        summary = out.stdout.splitlines()[0] if out.stdout else out.stderr[-300:]
    busiest = max(sent.values()) if sent else 0
    floor = max(busiest / qps - 1.0, 0.0) if qps else 0.0
    return wall, rss, sent, summary, floor


def main():
    if not DNS.exists():
        sys.exit("build first: cargo build --release")
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    rows = []
    for names in sizes:
        cases = [("off", False, QPS, False), ("on", True, QPS, False),
                 ("on, --json-lines", True, QPS, True)]
        if names <= 1000:
            cases.append(("on, --max-qps 0", True, 0, False))
        # CASES="on": only the cases named (comma-separated labels), e.g. to repeat one.
        if os.environ.get("CASES"):
            cases = [c for c in cases if c[0] in os.environ["CASES"].split(",")]
        got = {}
        for label, limited, qps, lines in cases:
            wall, rss, sent, summary, floor = run(names, limited, qps, lines)
            got[label] = wall
            root = sent.get("127.54.0.1", 0)
            tld = max(sent.get("127.54.1.1", 0), sent.get("127.54.1.2", 0))
            ratio = f"{wall / floor:.2f}" if floor else "-"
            print(f"{names:6} names  rate limiting {label:16} wall {wall:7.2f} s  rss {rss:6.1f} MB  "
                  f"root {root:6}  TLD {tld:6} (per address; names {names})  floor {floor:6.2f} s  "
                  f"wall/floor {ratio}  | {summary}", flush=True)
            rows.append((names, label, wall, rss, root, tld, floor, ratio, summary))
        if "on" in got and "off" in got:
            print(f"{names:6} names  on/off = {got['on'] / got['off']:.2f}", flush=True)
    print("\n| names | rate limiting | wall (s) | peak RSS (MB) | questions to the root | to each TLD address | pacing floor (s) | wall / floor | summary |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.2f} | {r[3]:.1f} | {r[4]} | {r[5]} | {r[6]:.2f} | {r[7]} | {r[8]} |")


if __name__ == "__main__":
    main()
