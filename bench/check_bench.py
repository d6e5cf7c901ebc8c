#!/usr/bin/env python3
"""dns check against dig +trace and zonemaster-cli on the same loopback hierarchy
(examples/dnslab.rs: root -> test. -> hive.test., 1 + 2 + 2 servers), at several per-answer
delays, side by side with the floor (delegation depth x RTT = 3 x delay).

Run as root (the lab listens on port 53 of 127.53.x.y, which zonemaster-cli needs).
Usage: bench/check.sh [DELAYS_MS...]   (default 0 20 50). Not a test: prints a table and writes
bench/out/check-results.md.
"""
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DNS = ROOT / "target" / "release" / "dns"
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


def start_lab(delay, silent=False):
    args = [str(LAB), "--delay", str(delay), "--port", "53"] + (["--silent"] if silent else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hints, port = proc.stdout.readline().split()
    return proc, hints, int(port)


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


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    RESOLV.write_text("nameserver 127.53.9.53\noptions timeout:2 attempts:1\n")
    delays = [int(a) for a in sys.argv[1:]] or [0, 20, 50]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    scenarios = [(d, False) for d in delays] + [(delays[min(1, len(delays) - 1)], True)]
    for delay, silent in scenarios:
        lab, hints, port = start_lab(delay, silent)
        unbound = start_unbound(hints)
        try:
            tools = {
                "dns check": [str(DNS), "check", "www.hive.test", "--root-hints", hints, "--port", str(port), "-4", "--timeout", "1000"],
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
                label = f"{delay} ms" + (" + 1 silent server" if silent else "")
                rows.append((label, tool, wall, floor, ratio, code))
                print(f"{label:>24}  {tool:15} {wall * 1000:8.1f} ms  floor {floor * 1000:6.1f} ms  x{ratio:5.2f}  exit {code}", flush=True)
        finally:
            unbound.kill()
            unbound.wait()
            lab.stdin.close()
            lab.wait(timeout=10)
    lines = ["| per-answer delay | tool | wall (median) | floor (3 x delay) | ratio | exit |", "|---|---|---:|---:|---:|---:|"]
    for label, tool, wall, floor, ratio, code in rows:
        lines.append(f"| {label} | {tool} | {wall * 1000:.1f} ms | {floor * 1000:.0f} ms | {ratio:.2f} | {code} |")
    (OUT / "check-results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
