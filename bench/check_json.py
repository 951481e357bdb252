#!/usr/bin/env python3
"""Smoke check of mmsim-bench (CTest 'bench-quick'); never checks speed.

Runs `mmsim-bench --quick --json` and checks that it exits 0, that every
stdout line is a JSON object with the keys its kind needs, and that the
three store implementations (mmsim, sorted, rbtree) all appear.

usage: check_json.py PATH/TO/mmsim-bench
"""
import json
import math
import subprocess
import sys

TIME_KEYS = {"bench": str, "impl": str, "n": int, "ns_min": (int, float),
             "ns_median": (int, float), "ns_p99": (int, float), "reps": int}
BYTES_KEYS = {"bench": str, "impl": str, "n": int, "bytes_per_vma": (int, float),
              "struct_bytes": int, "vma_bytes": int}
META_KEYS = {"bench": str, "allocator": str, "cpu": str}
IMPLS = {"mmsim", "sorted", "rbtree"}


def check_keys(obj, keys, lineno):
    for key, typ in keys.items():
        if key not in obj:
            return f"line {lineno}: missing key {key!r}: {obj}"
        if not isinstance(obj[key], typ) or isinstance(obj[key], bool):
            return f"line {lineno}: key {key!r} has type {type(obj[key]).__name__}: {obj}"
        if isinstance(obj[key], float) and not math.isfinite(obj[key]):
            return f"line {lineno}: key {key!r} is not finite: {obj}"
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    proc = subprocess.run([sys.argv[1], "--quick", "--json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=100)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        print(f"FAIL: mmsim-bench exited {proc.returncode}", file=sys.stderr)
        return 1
    errors = []
    impls, benches, meta = set(), set(), 0
    lines = proc.stdout.splitlines()
    for lineno, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {lineno}: not JSON ({e}): {line!r}")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {lineno}: not an object: {line!r}")
            continue
        bench = obj.get("bench")
        if bench == "meta":
            meta += 1
            err = check_keys(obj, META_KEYS, lineno)
        elif "bytes_per_vma" in obj:
            err = check_keys(obj, BYTES_KEYS, lineno)
        else:
            err = check_keys(obj, TIME_KEYS, lineno)
            if err is None and not (0 <= obj["ns_min"] <= obj["ns_median"] <= obj["ns_p99"]):
                err = f"line {lineno}: expected ns_min <= ns_median <= ns_p99: {obj}"
        if err:
            errors.append(err)
            continue
        if bench != "meta":
            impls.add(obj["impl"])
            benches.add(bench)
    if meta != 1:
        errors.append(f"expected one meta line, got {meta}")
    if not IMPLS <= impls:
        errors.append(f"implementations missing: {sorted(IMPLS - impls)}")
    if "lookup_latency" not in benches:
        errors.append("no lookup_latency results")
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    if errors:
        return 1
    print(f"ok: {len(lines)} JSON lines, benches {sorted(benches)}, impls {sorted(impls)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
