#!/usr/bin/env bash
# Benchmark: dns vs octoDNS on the moto Route 53 emulator (127.0.0.1 only). See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/octodns-sync ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q --disable-pip-version-check 'moto[server]>=5.1,<6' octodns octodns-route53
fi
cargo build --release --locked --bins --example r53floor
exec bench/.venv/bin/python bench/sync_bench.py "$@"
