#!/usr/bin/env bash
# Benchmark: the pre-flight of a move (--expect-ns) against the verification of the same file.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin dns --example dnslab
exec python3 bench/preflight_bench.py "$@"
