#!/usr/bin/env python3
"""Functions of src/ longer than 80 lines, longest first (test modules and test functions left
out, each by its own braces: a `#[cfg(test)] mod tests;` line skips nothing but itself).
Usage: scripts/long_functions.py [LIMIT]"""
import glob
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
FN = re.compile(r'\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)')
TEST_ATTR = re.compile(r'\s*#\[(cfg\(test\)|test|tokio::test)')


def block_end(lines, i):
    """The index of the line that closes the block opened at or after line i, or None when
    a `;` ends the item first (a declaration without a body)."""
    depth, started = 0, False
    for j in range(i, len(lines)):
        code = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])\'|//.*', '', lines[j])
        for ch in code:
            if ch == '{':
                depth += 1
                started = True
            elif ch == '}':
                depth -= 1
        if started and depth <= 0:
            return j
        if not started and code.rstrip().endswith(';'):
            return None
    return None


res = []
for path in sorted(glob.glob('src/**/*.rs', recursive=True)):
    lines = open(path).read().split('\n')
    i = 0
    while i < len(lines):
        if TEST_ATTR.match(lines[i]):
            # The item after the attribute: a test module or function, skipped whole.
            k = i + 1
            while k < len(lines) and lines[k].strip().startswith('#['):
                k += 1
            end = block_end(lines, k)
            i = (end if end is not None else k) + 1
            continue
        m = FN.match(lines[i])
        if m:
            end = block_end(lines, i)
            if end is not None:
                n = end - i + 1
                if n > LIMIT:
                    res.append((n, path, m.group(6), i + 1))
                i = end + 1
                continue
        i += 1
res.sort(reverse=True)
for r in res:
    print(*r)
print(len(res), f'functions over {LIMIT} lines')
