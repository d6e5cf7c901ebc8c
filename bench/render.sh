#!/usr/bin/env bash
# Benchmark: what rendering adds to a check (text, json, svg, html, openmetrics), on the loopback
# lab. See bench/README.md. Needs no root (the lab listens on a free port).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin dns --example dnslab
exec python3 bench/render_bench.py "$@"
