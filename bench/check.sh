#!/usr/bin/env bash
# Benchmark: dns check vs dig +trace vs zonemaster-cli on a loopback hierarchy. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin dns --example dnslab
exec python3 bench/check_bench.py "$@"
