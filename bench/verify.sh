#!/usr/bin/env bash
# Benchmark: dns check's zone verification vs dnsperf on NSD (loopback, port 53: run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin dns --example dnslab
exec python3 bench/verify_bench.py "$@"
