#!/usr/bin/env bash
# Runs the whole test suite, doing its own set-up:
#   - a Python venv with the Route 53 emulator (moto[server]) and octoDNS in .venv/
#   - the Debian packages the interop tests use, when running as root (apt-get)
#   - ICANN's RDAP server (cargo install icann-rdap-srv) in .tools/
#   - as root: the tests run in a fresh network namespace with only loopback up (unshare -n),
#     so that no test can reach the outside, even by mistake.
# Usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

# zonemaster-cli: the reference checker, run beside dns check (tests/zonemaster_diff.rs)
# chromium: the HTML report opened in a real browser, headless (tests/report_html.rs)
# knot: a TLD on Knot DNS with its rate-limiting module (tests/check_rate.rs)
DEBIAN_PACKAGES=(bind9-utils bind9 nsd unbound dnsutils iproute2 zonemaster-cli prometheus chromium fonts-dejavu-core knot)
MOTO_SPEC='moto[server]>=5.1,<6'
# octoDNS's own loader, to compare its reading of zone files with dns's (tests/octodns_compat.rs)
OCTODNS_SPEC='octodns==1.22.0'

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "note: Debian packages missing (${missing[*]}); the tests that need them will say SKIPPED"
  fi
fi

if [ ! -x .venv/bin/moto_server ] || ! .venv/bin/python -c 'import octodns' 2>/dev/null; then
  echo "== .venv with $MOTO_SPEC and $OCTODNS_SPEC"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check "$MOTO_SPEC" "$OCTODNS_SPEC"
fi
export DNS_TEST_MOTO="$PWD/.venv/bin/moto_server"

# ICANN's RDAP server, a real registry's RDAP service on loopback (tests/check_rdap.rs); built
# once into .tools/ (0.0.30: the last release this toolchain builds)
RDAP_SRV_VERSION=0.0.30
if [ ! -x .tools/rdap/bin/rdap-srv ] || ! .tools/rdap/bin/rdap-srv-data --version 2>/dev/null | grep -q "$RDAP_SRV_VERSION"; then
  echo "== cargo install icann-rdap-srv $RDAP_SRV_VERSION into .tools/rdap"
  CARGO_TARGET_DIR="$PWD/.tools/rdap-target" cargo install -q icann-rdap-srv --version "$RDAP_SRV_VERSION" --locked --root .tools/rdap
fi
export DNS_TEST_RDAP_SRV="$PWD/.tools/rdap/bin/rdap-srv"

echo "== building (dependencies are fetched here, before the network is cut off)"
cargo test --locked --no-run

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
  echo "== cargo test in a network namespace with only loopback"
  exec unshare --net -- bash -c 'ip link set lo up && exec cargo test --locked --offline "$@"' bash "$@"
else
  echo "== cargo test (not root: no network namespace; the tests still only use loopback)"
  exec cargo test --locked --offline "$@"
fi
