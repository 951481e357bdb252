#!/usr/bin/env python3
"""Smoke checks of mmsim-bench for CTest; never checks speed.

  check_json.py BENCH
      (bench-quick) Runs `BENCH --quick --json` and checks that it exits 0,
      that every stdout line is a JSON object with the keys its kind needs
      (the optional "variant" and "unit" must be strings), and that the
      three store implementations (mmsim, sorted, rbtree) all appear.

  check_json.py --plot PLOT_PY BENCH
      (bench-plot) Runs `BENCH --quick --json --filter lookup` into a
      temporary file, checks it as above, runs PLOT_PY on it into a
      temporary directory and checks that it wrote at least one .svg, that
      every .svg parses as XML and that it printed the files it wrote.

  check_json.py --allocator NAME BENCH
      (bench-glibc-allocator) Runs `BENCH --quick --json --filter
      bytes_per_vma`, checks its lines and that the meta line says
      "allocator": NAME; for NAME glibc, also that BENCH does not link
      libjemalloc (neither in its own DT_NEEDED nor in ldd's list).
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NUMBER = (int, float)
TIME_KEYS = {"bench": str, "impl": str, "n": int, "ns_min": NUMBER,
             "ns_median": NUMBER, "ns_p99": NUMBER, "reps": int}
BYTES_KEYS = {"bench": str, "impl": str, "n": int, "bytes_per_vma": NUMBER,
              "struct_bytes": int, "vma_bytes": int}
META_KEYS = {"bench": str, "allocator": str, "cpu": str}
# Keys a result line may have; checked only when present.
OPTIONAL_KEYS = {"variant": str, "unit": str, "batch": int, "struct_bytes_usable": int}
IMPLS = {"mmsim", "sorted", "rbtree"}


def check_keys(obj, keys, lineno, optional=False):
    for key, typ in keys.items():
        if key not in obj:
            if optional:
                continue
            return f"line {lineno}: missing key {key!r}: {obj}"
        if not isinstance(obj[key], typ) or isinstance(obj[key], bool):
            return f"line {lineno}: key {key!r} has type {type(obj[key]).__name__}: {obj}"
        if isinstance(obj[key], float) and not math.isfinite(obj[key]):
            return f"line {lineno}: key {key!r} is not finite: {obj}"
    return None


def check_line(obj, lineno):
    """The error in one parsed line, or None."""
    if obj.get("bench") == "meta":
        return check_keys(obj, META_KEYS, lineno)
    if "bytes_per_vma" in obj:
        err = check_keys(obj, BYTES_KEYS, lineno)
    else:
        err = check_keys(obj, TIME_KEYS, lineno)
        if err is None and not (0 <= obj["ns_min"] <= obj["ns_median"] <= obj["ns_p99"]):
            err = f"line {lineno}: expected ns_min <= ns_median <= ns_p99: {obj}"
    if err is None:
        err = check_keys(obj, OPTIONAL_KEYS, lineno, optional=True)
    if err is None and obj.get("variant") == "":
        err = f"line {lineno}: empty variant (leave the key out instead): {obj}"
    return err


def run_bench(bench, args):
    """Run BENCH --quick --json ARGS; (stdout, errors)."""
    proc = subprocess.run([bench, "--quick", "--json", *args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=100)
    sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        return proc.stdout, [f"{os.path.basename(bench)} exited {proc.returncode}"]
    return proc.stdout, []


def check_output(text):
    """Check every line of a --json run; (meta line or None, benches, impls, errors)."""
    errors = []
    impls, benches, metas = set(), set(), []
    for lineno, line in enumerate(text.splitlines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f"line {lineno}: not JSON ({e}): {line!r}")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {lineno}: not an object: {line!r}")
            continue
        err = check_line(obj, lineno)
        if err:
            errors.append(err)
        elif obj["bench"] == "meta":
            metas.append(obj)
        else:
            impls.add(obj["impl"])
            benches.add(obj["bench"])
    if len(metas) != 1:
        errors.append(f"expected one meta line, got {len(metas)}")
    return (metas[0] if metas else None), benches, impls, errors


def check_quick(bench):
    out, errors = run_bench(bench, [])
    if errors:
        return errors, ""
    _, benches, impls, errors = check_output(out)
    if not IMPLS <= impls:
        errors.append(f"implementations missing: {sorted(IMPLS - impls)}")
    if "lookup_latency" not in benches:
        errors.append("no lookup_latency results")
    summary = (f"{len(out.splitlines())} JSON lines, benches {sorted(benches)}, "
               f"impls {sorted(impls)}")
    return errors, summary


def check_plot(plot_py, bench):
    out, errors = run_bench(bench, ["--filter", "lookup"])
    if errors:
        return errors, ""
    _, benches, _, errors = check_output(out)
    if errors:
        return errors, ""
    with tempfile.TemporaryDirectory(prefix="mmsim-bench-plot.") as tmp:
        data = os.path.join(tmp, "quick.json")
        outdir = os.path.join(tmp, "plots")
        with open(data, "w", encoding="utf-8") as f:
            f.write(out)
        # plot.py finds an interpreter with matplotlib itself if this one has none.
        proc = subprocess.run([sys.executable, plot_py, "-o", outdir, data],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=100)
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            return [f"plot.py exited {proc.returncode}"], ""
        svgs = sorted(f for f in os.listdir(outdir) if f.endswith(".svg")) \
            if os.path.isdir(outdir) else []
        if not svgs:
            return [f"plot.py wrote no .svg into {outdir}"], ""
        printed = {os.path.basename(p) for p in proc.stdout.split()}
        for svg in svgs:
            try:
                root = ET.parse(os.path.join(outdir, svg)).getroot()
            except ET.ParseError as e:
                errors.append(f"{svg}: not XML: {e}")
                continue
            if not root.tag.endswith("svg"):
                errors.append(f"{svg}: root element is {root.tag}, not svg")
            if svg not in printed:
                errors.append(f"{svg}: written but not printed by plot.py")
        for bench_name in benches:
            if f"{bench_name}.svg" not in svgs:
                errors.append(f"no plot for {bench_name}: {svgs}")
    return errors, f"plot.py wrote {svgs}"


def check_allocator(name, bench):
    out, errors = run_bench(bench, ["--filter", "bytes_per_vma"])
    if errors:
        return errors, ""
    meta, benches, _, errors = check_output(out)
    if meta is not None and meta["allocator"] != name:
        errors.append(f"meta line says allocator {meta['allocator']!r}, expected {name!r}")
    if benches != {"bytes_per_vma"}:
        errors.append(f"expected bytes_per_vma results only, got {sorted(benches)}")
    if name == "glibc":
        for cmd in (["readelf", "-d", bench], ["ldd", bench]):
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, timeout=30)
            if proc.returncode != 0:
                errors.append(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stdout}")
            elif "libjemalloc" in proc.stdout:
                errors.append(f"{os.path.basename(bench)} links libjemalloc ({cmd[0]}):\n"
                              + proc.stdout)
    return errors, f"allocator {name}, no libjemalloc" if name == "glibc" else f"allocator {name}"


def main(argv):
    if len(argv) == 1 and not argv[0].startswith("-"):
        errors, summary = check_quick(argv[0])
    elif len(argv) == 3 and argv[0] == "--plot":
        errors, summary = check_plot(argv[1], argv[2])
    elif len(argv) == 3 and argv[0] == "--allocator":
        errors, summary = check_allocator(argv[1], argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for e in errors:
        print("FAIL: " + e, file=sys.stderr)
    if errors:
        return 1
    print("ok: " + summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
