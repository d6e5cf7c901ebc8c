#!/usr/bin/env bash
# Benchmark: dns check of a portfolio (1,000 and 10,000 names) on NSD, its response-rate
# limiting on and off, with the questions to each root and TLD address. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nsd >/dev/null || { echo "needs NSD (Debian package nsd)"; exit 1; }
cargo build --release --locked --bins
exec python3 bench/portfolio_bench.py "$@"
