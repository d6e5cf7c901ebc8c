#!/usr/bin/env python3
"""dns check against dig +trace and zonemaster-cli on the same loopback hierarchy
(examples/dnslab.rs: root -> test. -> hive.test., 1 + 2 + 2 servers), at several per-answer
delays, side by side with the floor (delegation depth x RTT = 3 x delay), and with the floor measured
on the lab itself: three of its real round trips (a plain UDP question, no process start; the
lab's sleep overshoots the delay a little) plus a process's start and exit (`dns --version`).

Then the shape of a Route 53 hosted zone (examples/dnslab.rs --route53): name servers without
glue in four other top-level zones, the name a CNAME to a load balancer in another zone. There
the floor is the critical path of the check's dependency chain, computed from its trace
(route53_floor), and dns check alone is timed against it.

Run as root (the lab listens on port 53 of 127.53.x.y, which zonemaster-cli needs).
Then N zones in the dnslab shape (MANY="20,100,500"): single zones checked alone, and all of
them in one `dns check` without NAME, timed against the slowest single zone and against the
floor the per-server rate sets (MANY_ONLY=1: only these, at the first delay given).

ROUTE53_ONLY=1: only the Route 53 shape. FAR=1: the Route 53 shape also with every packet delayed (dnslab --far). DNS_BIN: another
dns binary to time (an older build, side by side).

Usage: bench/check.sh [DELAYS_MS...]   (default 0 20 50). Not a test: prints a table and writes
bench/out/check-results.md.
"""
import json
import re
import os
import socket
import struct
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DNS = Path(os.environ.get("DNS_BIN", ROOT / "target" / "release" / "dns"))
LAB = ROOT / "target" / "release" / "examples" / "dnslab"
RUNS = 5
DEPTH = 3


def start_unbound(hints):
    """A caching resolver on loopback for dig's name server lookups (dig +trace resolves them
    through the system resolver), using the lab's root hints."""
    conf = OUT / "unbound.conf"
    conf.write_text(f"""server:
  interface: 127.53.9.53
  port: 53
  do-ip6: no
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  root-hints: "{hints}"
  username: ""
  chroot: ""
  directory: "{OUT}"
  pidfile: "{OUT}/unbound.pid"
  use-syslog: no
  module-config: "iterator"
  qname-minimisation: no
  # unbound answers the special-use test. zone itself unless told not to (RFC 6761).
  local-zone: "test." nodefault
remote-control:
  control-enable: no
""")
    proc = subprocess.Popen(["unbound", "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    return proc


def start_lab(delay, silent=False, route53=False, far=False):
    args = [str(LAB), "--delay", str(delay), "--port", "53"] + (["--silent"] if silent else []) + (["--route53"] if route53 else []) + (["--far"] if far else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hints, port = proc.stdout.readline().split()
    return proc, hints, int(port)


# The zones of the --route53 lab (examples/dnslab.rs, route53()).
ROUTE53_ZONES = [".", "test.", "hive.test.", "elb.test.", "org.", "net.", "com.", "uk.", "co.uk.",
                 "awsdns-01.org.", "awsdns-02.net.", "awsdns-03.com.", "awsdns-04.co.uk."]


def zones_above(name):
    """The lab's zones that hold `name`, top-down (root first)."""
    def holds(z, n):
        return z == "." or n == z or n.endswith("." + z)
    return sorted((z for z in ROUTE53_ZONES if holds(z, name)), key=lambda z: 0 if z == "." else z.count("."))


def resolve_from(known, name):
    """Round trips to an answer for `name`, starting at the deepest zone in `known`: a referral
    per zone cut below it, then the answer."""
    path = zones_above(name)
    start = max(i for i, z in enumerate(path) if z in known)
    return len(path) - 1 - start + 1


def route53_floor(trace, far=False):
    """The critical path of a check, in round trips, from its trace and the lab's zone cuts.

    - the walk: one round trip per level above the zone (root, test.);
    - the zone's servers: each needs its address first (no glue: resolved from the root, one
      referral per cut, then the answer); every server is asked, so the zone's round ends after
      the slowest lookup, plus one round trip;
    - the CNAME chain: it can be followed from the first authoritative answer (after the
      fastest lookup), each target resolved from the deepest zone the walk already knows.
    The floor is the longer of the zone's round and the chain. With every packet delayed
    (`far`), the zone's own SOA over TCP costs its round one more (the handshake)."""
    levels = trace["levels"]
    above = len(levels) - 1
    lookups = [resolve_from({"."}, s["name"]) for s in levels[-1]["servers"]]
    zone_round = above + max(lookups) + 1 + (1 if far else 0)
    known = {lv["zone"] for lv in levels}
    chain = sum(resolve_from(known, target) for _, target in trace["cname_chain"])
    cname_path = above + min(lookups) + 1 + chain
    hops = max(zone_round, cname_path)
    return hops, f"floor {hops} round trips: zone round {zone_round}, CNAME path {cname_path}"


def timed(cmd, runs):
    walls = []
    code = None
    for _ in range(runs):
        t0 = time.monotonic()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.monotonic() - t0)
        code = p.returncode
    return statistics.median(walls), code


RESOLV = OUT / "resolv.conf"


def measured_rtt(hints, port, tries=15):
    """The lab's real round trip at its delay: the root's SOA asked over a plain UDP socket
    (no process start), median of `tries`. The lab sleeps `delay` ms before each answer (tokio's
    timer rounds up to the next millisecond) and then answers through hickory-server."""
    addr = next(line.split()[-1] for line in open(hints) if " A " in line)
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        s.connect((addr, port))
        for i in range(tries):
            query = struct.pack(">HHHHHH", i + 1, 0, 1, 0, 0, 0) + b"\x00" + struct.pack(">HH", 6, 1)
            t0 = time.monotonic()
            s.send(query)
            while struct.unpack(">H", s.recv(4096)[:2])[0] != i + 1:
                pass
            rtts.append(time.monotonic() - t0)
    return statistics.median(rtts)




def many_zones(delays):
    """N zones in the dnslab shape (examples/dnslab.rs --zones N; N from MANY, default
    "20,100,500"), each with its zone file: a sample of single zones checked alone (every zone
    up to 20, else 20 spread over the names: the zones are alike), then all of them in one `dns
    check` (no NAME). Targets: within 5x the slowest single zone, or, where the per-server rate
    sets a higher floor, within 1.2x of that floor: the busiest address's questions at the
    run's --max-qps, less the second's worth that may go at once (read from -v's counts)."""
    rows = []
    sizes = [int(n) for n in os.environ.get("MANY", "20,100,500").split(",")]
    for n in sizes:
        zones_dir = OUT / f"many-zones-{n}"
        shutil.rmtree(zones_dir, ignore_errors=True)
        zones_dir.mkdir(parents=True)
        names = [f"z{i:02}.test" for i in range(1, n + 1)]  # as examples/dnslab.rs names them
        for name in names:
            (zones_dir / f"{name}.yaml").write_text("$zone: {ttl: 300}\n'': {type: A, value: 192.0.2.10}\nwww: {type: A, value: 192.0.2.11}\n")
        sample = names if n <= 20 else names[:: n // 20][:20]
        for delay in delays:
            lab = subprocess.Popen([str(LAB), "--delay", str(delay), "--port", "53", "--zones", str(n)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            hints, port = lab.stdout.readline().split()
            try:
                common = ["--root-hints", hints, "--port", port, "-4", "--timeout", "1000ms", "--zones", str(zones_dir)]
                singles = []
                for name in sample:
                    wall, code = timed([str(DNS), "check", name] + common, 3)
                    singles.append((wall, name, code))
                slowest, slowest_name, code = max(singles)
                rows.append((delay, 1, f"slowest single zone ({slowest_name}, of {len(sample)})", slowest, 1.0, None, code))
                print(f"{delay} ms: slowest single zone {slowest_name} {slowest * 1000:.1f} ms (fastest {min(singles)[0] * 1000:.1f} ms)", flush=True)
                # The pacing floor, from one run's counts of questions per address.
                counted = subprocess.run([str(DNS), "check", "-v", "--summary"] + common, capture_output=True, text=True)
                sent = [int(m.group(1)) for m in re.finditer(r"(\d+) questions to (\S+)", counted.stderr)]
                qps = 100
                floor = max(max(sent, default=0) / qps - 1.0, 0.0)
                # Above 100 zones the run is paced (minutes): once, with the defaults only.
                for extra in [[], ["--per-server", "8"]] if n <= 100 else [[]]:
                    wall, code = timed([str(DNS), "check"] + common + extra, RUNS if n <= 100 else 1)
                    label = "all in one run" + (f" ({' '.join(extra)})" if extra else " (defaults)")
                    bound = max(slowest, floor)
                    rows.append((delay, n, label, wall, wall / slowest, floor, code))
                    print(f"{delay} ms: {n} zones {label}: {wall * 1000:.1f} ms = x{wall / slowest:.2f} the slowest single zone; "
                          f"pacing floor {floor * 1000:.0f} ms (busiest address {max(sent, default=0)} questions at {qps}/s); "
                          f"x{wall / bound:.2f} the larger of the two, exit {code}", flush=True)
            finally:
                lab.stdin.close()
                lab.wait(timeout=10)
    return rows


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    if os.environ.get("MANY_ONLY") == "1":
        # Only the many-zone runs (MANY sizes) at the first delay given.
        delays = [int(a) for a in sys.argv[1:]] or [20]
        rows = many_zones(delays[:1])
        for r in rows:
            print(r)
        return
    RESOLV.write_text("nameserver 127.53.9.53\noptions timeout:2 attempts:1\n")
    delays = [int(a) for a in sys.argv[1:]] or [0, 20, 50]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    scenarios = [(d, False) for d in delays] + [(delays[min(1, len(delays) - 1)], True)]
    # ROUTE53_ONLY=1: only the Route 53 shape (with FAR=1, both ways).
    route53_only = os.environ.get("ROUTE53_ONLY") == "1"
    if route53_only:
        scenarios = []
    # A process that starts and exits doing nothing else: part of every tool's wall time.
    start, _ = timed([str(DNS), "--version"], 15)
    print(f"process start and exit (dns --version): {start * 1000:.1f} ms", flush=True)
    for delay, silent in scenarios:
        lab, hints, port = start_lab(delay, silent)
        unbound = start_unbound(hints)
        rtt = measured_rtt(hints, port)
        try:
            tools = {
                "dns check": [str(DNS), "check", "www.hive.test", "--root-hints", hints, "--port", str(port), "-4", "--timeout", "1000ms"],
                # dig +trace resolves name servers' addresses through the system resolver: give it a
                # resolv.conf that points at unbound on loopback, in a private mount namespace.
                "dig +trace": ["unshare", "-m", "sh", "-c",
                               f"mount --bind {RESOLV} /etc/resolv.conf && exec dig -4 -p {port} @127.53.0.1 +trace +tries=2 +time=1 www.hive.test"],
            }
            if shutil.which("zonemaster-cli"):
                tools["zonemaster-cli"] = ["zonemaster-cli", "--hints", hints, "--no-ipv6", "--level", "ERROR", "hive.test"]
            for tool, cmd in tools.items():
                # zonemaster-cli runs its whole test suite: once is enough to see its scale.
                wall, code = timed(cmd, 1 if tool == "zonemaster-cli" else RUNS)
                floor = DEPTH * delay / 1000
                ratio = wall / floor if floor else float("nan")
                # The floor as this lab can give it: three of its real round trips, one after
                # the other, and a process's start and exit.
                real = DEPTH * rtt + start
                label = f"{delay} ms" + (" + 1 silent server" if silent else "")
                rows.append((label, tool, wall, floor, ratio, code, real))
                print(f"{label:>24}  {tool:15} {wall * 1000:8.1f} ms  floor {floor * 1000:6.1f} ms  x{ratio:5.2f}  measured floor {real * 1000:6.1f} ms  x{wall / real:5.2f}  exit {code}", flush=True)
        finally:
            unbound.kill()
            unbound.wait()
            lab.stdin.close()
            lab.wait(timeout=10)
    # FAR=1: also with every packet delayed (examples/dnslab.rs --far): a question over TCP
    # costs the handshake's round trip, and the zone's own SOA over TCP adds one to the floor.
    far_too = [False, True] if os.environ.get("FAR") == "1" else [False]
    for delay, far in [(d, f) for d in delays if d > 0 for f in far_too]:
        lab, hints, port = start_lab(delay, route53=True, far=far)
        try:
            cmd = [str(DNS), "check", "www.hive.test", "--root-hints", hints, "--port", str(port), "-4", "--timeout", "1000ms"]
            trace = json.loads(subprocess.run(cmd + ["--json"], capture_output=True, text=True).stdout)
            hops, why = route53_floor(trace, far)
            if far:
                why += " (the zone round with its SOA over TCP: one more for the handshake)"
            wall, code = timed(cmd, RUNS)
            floor = hops * delay / 1000
            real = hops * measured_rtt(hints, port) + start
            label = f"{delay} ms, Route 53 shape" + (", every packet" if far else "")
            rows.append((label, "dns check", wall, floor, wall / floor, code, real))
            print(f"{label:>24}  dns check       {wall * 1000:8.1f} ms  floor {floor * 1000:6.1f} ms  x{wall / floor:5.2f}  measured floor {real * 1000:6.1f} ms  x{wall / real:5.2f}  exit {code}  ({why})", flush=True)
        finally:
            lab.stdin.close()
            lab.wait(timeout=10)
    many_rows = [] if route53_only else many_zones([d for d in delays if d > 0][:1] or [20])
    lines = ["| per-answer delay | tool | wall (median) | floor | ratio | measured floor | ratio to it | exit |", "|---|---|---:|---:|---:|---:|---:|---:|"]
    for label, tool, wall, floor, ratio, code, real in rows:
        lines.append(f"| {label} | {tool} | {wall * 1000:.1f} ms | {floor * 1000:.0f} ms | {ratio:.2f} | {real * 1000:.1f} ms | {wall / real:.2f} | {code} |")
    lines += ["", "| per-answer delay | zones | run | wall (median) | ratio to the slowest single zone | pacing floor | ratio to the larger | exit |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for delay, n, run, wall, ratio, floor, code in many_rows:
        if floor is None:
            lines.append(f"| {delay} ms | {n} | {run} | {wall * 1000:.1f} ms | 1.00 | | | {code} |")
            continue
        slowest = wall / ratio
        lines.append(f"| {delay} ms | {n} | {run} | {wall * 1000:.1f} ms | {ratio:.2f} | {floor * 1000:.0f} ms | {wall / max(slowest, floor):.2f} | {code} |")
    (OUT / "check-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
