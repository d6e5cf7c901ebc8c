#!/usr/bin/env python3
"""dns sync/plan against octoDNS (octodns + octodns-route53), side by side, on the moto Route 53
emulator on 127.0.0.1.

For each zone size: first sync of N records into a new hosted zone, then a plan with one record
changed; for dns also the SDK floor under the plan (examples/r53floor.rs: the same start, client,
zone lookup and pages, nothing done with them). For each run: client CPU time (user+sys of the process, from wait4), peak RSS, wall
time, and the HTTP requests the emulator served (counted from its request log).

Usage: bench/sync.sh [SIZES...]     (default 1000 10000 100000)
       BENCH_TOOLS=dns bench/sync.sh 100000    (one tool only)
       BENCH_ROUTED=1 bench/sync.sh 10000      (20% of the records in weighted pairs: dns's
                                                routed sets, octoDNS's dynamic records)
Not a test: prints a table and writes bench/out/sync-results.md.
"""
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
VENV = BENCH / ".venv"
DNS = ROOT / "target" / "release" / "dns"
FLOOR = ROOT / "target" / "release" / "examples" / "r53floor"

OCTODNS_RUNNER = r'''
import sys
# moto's ListHealthChecks answer lacks IsTruncated, on which octodns-route53 crashes; these
# zones have no health checks, so the provider is told so directly.
from octodns_route53 import provider as p
p.Route53Provider.health_checks = property(lambda self: {})
from octodns.cmds.sync import main
sys.argv = ["octodns-sync"] + sys.argv[1:]
main()
'''


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


ROUTED = os.environ.get("BENCH_ROUTED") == "1"


def weighted(i, tool):
    """Two records (one name, weights 90/10): dns's routed sets, or an octoDNS dynamic record with
    one weighted pool and no health checks (status: up), which octodns-route53 writes as weighted
    pool sets under an alias tree."""
    a, b = f"10.200.{i // 256 % 256}.{i % 256}", f"10.201.{i // 256 % 256}.{i % 256}"
    if tool == "dns":
        return (f"w{i:06d}:\n  - {{type: A, set_id: blue, weight: 90, ttl: 300, value: {a}}}\n"
                f"  - {{type: A, set_id: green, weight: 10, ttl: 300, value: {b}}}")
    return (f"w{i:06d}:\n  type: A\n  ttl: 300\n  value: {a}\n  dynamic:\n    pools:\n      main:\n"
            f"        values:\n          - {{value: {a}, weight: 90, status: up}}\n"
            f"          - {{value: {b}, weight: 10, status: up}}\n    rules:\n      - pool: main")


def zone_text(n, changed=False, tool="dns"):
    lines = []
    for i in range(n):
        if ROUTED and i % 10 == 7:
            continue  # the second record of the pair at i - 1
        if ROUTED and i % 10 == 6:
            lines.append(weighted(i, tool))
        elif i % 10 == 9:
            lines.append(f"t{i:06d}:\n  type: TXT\n  value: v=spf1 ip4:10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256} -all")
        elif i % 10 == 8:
            lines.append(f"c{i:06d}:\n  type: CNAME\n  value: lb-{i}.us-east-1.elb.amazonaws.com.")
        else:
            last = (i % 256) if not (changed and i == 0) else 255
            lines.append(f"h{i:06d}:\n  type: A\n  ttl: 300\n  value: 10.{i // 65536 % 256}.{i // 256 % 256}.{last}")
    return "\n".join(lines) + "\n"


class Moto:
    def __init__(self, log):
        self.port = free_port()
        self.log = log
        self.proc = subprocess.Popen(
            [str(VENV / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=open(log, "w"))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("moto did not start")

    def requests(self):
        text = Path(self.log).read_text(errors="replace")
        return len(re.findall(r"(?:GET|POST|DELETE) /2013-04-01/", text))

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def measure(cmd, env, cwd, name):
    start = time.monotonic()
    out_path, err_path = Path(cwd) / f"{name}.out", Path(cwd) / f"{name}.err"
    # The peak RSS from /usr/bin/time: a child forked from this Python process would inherit its
    # resident size as the start of its own ru_maxrss (the CPU from wait4 is the command's).
    rss_path = Path(cwd) / f"{name}.rss"
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", str(rss_path)] + list(map(str, cmd)),
                                env=env, cwd=cwd, stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)
    out, err = out_path.read_bytes(), err_path.read_bytes()
    wall = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(f"FAILED ({code}): {' '.join(map(str, cmd))}\n{out.decode()[-2000:]}\n{err.decode()[-3000:]}\n")
    rss_text = rss_path.read_text().strip().splitlines() if rss_path.exists() else []
    rss = int(rss_text[-1]) / 1024 if rss_text and rss_text[-1].isdigit() else float("nan")
    return {"cpu": usage.ru_utime + usage.ru_stime, "rss_mb": rss, "wall": wall, "ok": code == 0}


def run_tool(tool, n, workdir):
    zone = f"bench{n}.example.com"
    zones = workdir / "zones"
    zones.mkdir(parents=True, exist_ok=True)
    (zones / f"{zone}.yaml").write_text(zone_text(n, tool=tool))
    moto = Moto(workdir / f"moto-{tool}.log")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1",
               AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto.port}", DNS_MAX_RPS="1000")
    results = {}
    try:
        if tool == "dns":
            first = [str(DNS), "sync", "--create-zone", "--yes", "--zones", str(zones)]
            plan = [str(DNS), "plan", "--zones", str(zones)]
        else:
            config = workdir / "octodns.yaml"
            config.write_text(f"""providers:
  config:
    class: octodns.provider.yaml.YamlProvider
    directory: {zones}
    enforce_order: false
  route53:
    class: octodns_route53.Route53Provider
    access_key_id: env/AWS_ACCESS_KEY_ID
    secret_access_key: env/AWS_SECRET_ACCESS_KEY
zones:
  {zone}.:
    sources: [config]
    targets: [route53]
""")
            runner = workdir / "octodns_run.py"
            runner.write_text(OCTODNS_RUNNER)
            py = str(VENV / "bin" / "python")
            first = [py, str(runner), "--config-file", str(config), "--doit", "--force"]
            plan = [py, str(runner), "--config-file", str(config)]
        before = moto.requests()
        results["first"] = measure(first, env, workdir, "first")
        results["first"]["requests"] = moto.requests() - before
        (zones / f"{zone}.yaml").write_text(zone_text(n, changed=True, tool=tool))
        before = moto.requests()
        results["plan"] = measure(plan, env, workdir, "plan")
        results["plan"]["requests"] = moto.requests() - before
        if tool == "dns":
            # The floor under the plan: start, AWS client, zone lookup and every page through
            # the AWS SDK, nothing done with the record sets (examples/r53floor.rs).
            before = moto.requests()
            results["sdk floor"] = measure([str(FLOOR), zone], env, workdir, "floor")
            results["sdk floor"]["requests"] = moto.requests() - before
    finally:
        moto.stop()
    return results


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000, 100000]
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        for tool in os.environ.get("BENCH_TOOLS", "dns,octodns").split(","):
            work = OUT / f"{tool}-{n}"
            subprocess.run(["rm", "-rf", str(work)])
            work.mkdir(parents=True)
            r = run_tool(tool, n, work)
            for phase in [p for p in ("first", "plan", "sdk floor") if p in r]:
                m = r[phase]
                rows.append((n, phase, tool, m["cpu"], m["cpu"] / n * 1e6, m["rss_mb"], m["requests"], m["wall"], m["ok"]))
                print(f"{n:>7} {phase:5} {tool:8} cpu {m['cpu']:8.2f}s  {m['cpu'] / n * 1e6:8.1f}us/record  "
                      f"rss {m['rss_mb']:7.1f}MB  requests {m['requests']:5}  wall {m['wall']:7.1f}s  {'ok' if m['ok'] else 'FAILED'}",
                      flush=True)
    lines = ["| records | phase | tool | client CPU (s) | CPU per record (µs) | peak RSS (MB) | requests | wall (s) |",
             "|---:|---|---|---:|---:|---:|---:|---:|"]
    for n, phase, tool, cpu, per, rss, req, wall, ok in rows:
        lines.append(f"| {n} | {phase} | {tool} | {cpu:.2f} | {per:.1f} | {rss:.1f} | {req} | {wall:.1f}{'' if ok else ' FAILED'} |")
    (OUT / ("sync-routed-results.md" if ROUTED else "sync-results.md")).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
