#!/usr/bin/env python3
"""Loads DIR/ZONE.yaml with octoDNS's own YamlProvider (PyPI `octodns`) and prints its records as
JSON, in the presentation form tests/octodns_compat.rs compares dns's reading with:
[{"name", "type", "ttl", "values": [...], "ignored"}]. TXT values are what octoDNS sends
(`to_rdata_text()`: quoted strings of at most 255 octets), CAA values unquoted.

Usage: octodns_dump.py DIR ZONE   (exit 1 with octoDNS's message when it refuses the file)
"""
import json
import sys

from octodns.provider.yaml import YamlProvider
from octodns.zone import Zone


def presentation(rtype, v):
    if rtype in ("MX",):
        return f"{v.preference} {v.exchange.lower()}"
    if rtype == "SRV":
        return f"{v.priority} {v.weight} {v.port} {v.target.lower()}"
    if rtype == "CAA":
        return f"{v.flags} {v.tag} {v.value}"
    if rtype == "TXT":
        return v.to_rdata_text()
    if rtype in ("CNAME", "NS"):
        return str(v).lower()
    return str(v)


def main():
    directory, zone_name = sys.argv[1], sys.argv[2].rstrip(".") + "."
    provider = YamlProvider("octodns-compat", directory, enforce_order=False)
    zone = Zone(zone_name, [])
    try:
        provider.populate(zone, lenient=False)
    except Exception as e:  # octoDNS refuses the file: say why
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    out = []
    for r in sorted(zone.records, key=lambda r: (r.name, r._type)):
        values = r.values if hasattr(r, "values") else [r.value]
        out.append({
            "name": r.name,
            "type": r._type,
            "ttl": r.ttl,
            "values": sorted(presentation(r._type, v) for v in values),
            "ignored": bool(r.ignored),
        })
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
