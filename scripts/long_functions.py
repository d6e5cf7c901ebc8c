#!/usr/bin/env python3
"""Functions of src/ longer than 80 lines (test modules left out), longest first: the measure
issue 17 asks for. Usage: scripts/long_functions.py"""
import re,sys,glob
res=[]
for path in glob.glob('src/**/*.rs',recursive=True):
    lines=open(path).read().split('\n')
    in_test=False
    i=0
    while i<len(lines):
        l=lines[i]
        if re.match(r'\s*#\[cfg\(test\)\]',l):
            break
        m=re.match(r'\s*(pub(\([^)]*\))?\s+)?(async\s+)?(const\s+)?(unsafe\s+)?fn\s+(\w+)',l)
        if m:
            # find opening brace
            depth=0; start=i; started=False; j=i
            while j<len(lines):
                for ch in lines[j]:
                    if ch=='{': depth+=1; started=True
                    elif ch=='}': depth-=1
                if started and depth==0: break
                if not started and lines[j].rstrip().endswith(';'): break
                j+=1
            n=j-start+1
            if started and n>80: res.append((n,path,m.group(6),start+1))
            i=j+1 if started else i+1
            continue
        i+=1
res.sort(reverse=True)
for r in res: print(*r)
print(len(res),'functions over 80 lines')
