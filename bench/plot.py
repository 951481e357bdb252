#!/usr/bin/env python3
"""Draw mmsim-bench results as SVG plots.

usage: bench/plot.py -o OUTDIR FILE.json [FILE2.json]

Each FILE holds the output of `mmsim-bench --json`: one JSON object per
line, a {"bench": "meta", ...} line first (allocator, CPU, compiler,
date), then one line per result. A time result has bench, impl, n,
ns_min, ns_median, ns_p99 and unit; a bytes result has bytes_per_vma
instead; either may have a "variant" label ("hot", "random", "span=16").

For each bench of each file, OUTDIR/BENCH.svg (BENCH-TAG.svg when two
files are given, TAG being their allocator, or else the file's name):

  - time benches: the median ns per unit against N, log-log, error bars
    from the minimum to the 99th percentile, one line per (impl, variant);
  - benches whose every row's variant has a "KEY=K" part ("span=16",
    "span=16,sealed-end"): against K instead of N, one line per impl and
    rest of the variant ("sealed-end"), a panel per N if there are several;
  - bytes benches: bytes per VMA against N (log x, linear y).

Given two files whose meta lines name different allocators, also
OUTDIR/allocator_compare.svg: for every time result in both, the ratio of
the medians, the other allocator's over jemalloc's (over the first
file's if neither is jemalloc; above 1, jemalloc is the faster), a row
per (bench, impl), a dot per N (by colour) and variant.

Prints the path of every SVG written. Needs matplotlib (Debian's
python3-matplotlib, which scripts/setup.sh installs); run by an
interpreter without it, the script runs itself again with
/usr/bin/python3.
"""
import argparse
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field

DEBIAN_PYTHON = "/usr/bin/python3"

try:
    import matplotlib
except ImportError:
    # E.g. a pyenv python3 first in PATH: Debian's has python3-matplotlib.
    if (os.access(DEBIAN_PYTHON, os.X_OK)
            and os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON)):
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("plot.py: needs matplotlib (Debian: python3-matplotlib; scripts/setup.sh "
             "installs it)")

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

# Reproducible SVGs: the same input gives the same file.
matplotlib.rcParams.update({"svg.hashsalt": "mmsim-bench", "svg.fonttype": "none"})

# The model first, then the live kernel, then the baselines (legend order);
# an impl keeps its colour across every plot. Others come after, in turn.
COLOURS = {"mmsim": "#1f77b4", "mmsim_prewalk": "#17becf", "kernel": "#d62728",
           "sorted": "#ff7f0e", "sorted_cmov": "#bcbd22", "rbtree": "#2ca02c",
           "awk": "#7f7f7f"}
MORE_COLOURS = ["#9467bd", "#8c564b", "#e377c2", "#000000"]
# Variants (or Ns) of one impl: marker and line style.
STYLES = [("o", "-"), ("s", "--"), ("^", ":"), ("D", "-."), ("v", (0, (5, 1))),
          ("P", (0, (3, 1, 1, 1, 1, 1))), ("X", (0, (1, 3))), ("*", (0, (8, 2)))]
TIME_KEYS = {"ns_min", "ns_median", "ns_p99"}
SWEEP = re.compile(r"^([A-Za-z_][\w-]*)=([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)$")


@dataclass
class Run:
    """One file of mmsim-bench --json output."""
    path: str
    meta: dict
    rows: list = field(default_factory=list)
    tag: str = ""

    @property
    def allocator(self):
        return self.meta.get("allocator")


def load(path):
    """Read a --json file; exits with a message on a line that is not a result."""
    run = Run(path=path, meta={})
    seen = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit(f"plot.py: {path}:{lineno}: not JSON ({e}); "
                         "expected the output of mmsim-bench --json")
            if not isinstance(obj, dict) or "bench" not in obj:
                sys.exit(f"plot.py: {path}:{lineno}: not a mmsim-bench result: {line.strip()}")
            if obj["bench"] == "meta":
                run.meta = obj
                continue
            if not ({"impl", "n"} <= obj.keys() and ("bytes_per_vma" in obj or
                                                      TIME_KEYS <= obj.keys())):
                sys.exit(f"plot.py: {path}:{lineno}: a result needs impl, n and either "
                         f"ns_min, ns_median, ns_p99 or bytes_per_vma: {line.strip()}")
            key = (obj["bench"], obj["impl"], obj["n"], obj.get("variant"))
            if key in seen:
                print(f"plot.py: {path}:{lineno}: {key} again; the later line counts",
                      file=sys.stderr)
                run.rows[seen[key]] = obj
            else:
                seen[key] = len(run.rows)
                run.rows.append(obj)
    if not run.meta:
        print(f"plot.py: {path}: no meta line", file=sys.stderr)
    return run


def impl_rank(impl):
    order = list(COLOURS)
    return order.index(impl) if impl in order else len(order)


def impl_colour(impl, others):
    """A fixed colour for the known impls; the others (sorted) take turns."""
    return COLOURS.get(impl) or MORE_COLOURS[others.index(impl) % len(MORE_COLOURS)]


def fmt_count(v):
    """1000 -> 10^3 (mathtext), 16 -> 16, 2.5 -> 2.5."""
    if v >= 1000 and float(math.log10(v)).is_integer():
        return f"$10^{{{int(math.log10(v))}}}$"
    return f"{v:g}"


def fmt_n(n):
    """N for a legend: 1e5 rather than 100000."""
    if n >= 1000 and float(math.log10(n)).is_integer():
        return f"1e{int(math.log10(n))}"
    return str(n)


def meta_caption(meta):
    parts = []
    if meta.get("allocator"):
        parts.append(f"allocator {meta['allocator']}")
    for key in ("cpu", "compiler"):
        if meta.get(key):
            parts.append(str(meta[key]))
    if meta.get("kernel"):
        parts.append(f"Linux {meta['kernel']}")
    if meta.get("reps"):
        parts.append(f"{meta['reps']} reps" + (" (--quick)" if meta.get("quick") else ""))
    if meta.get("date"):
        parts.append(str(meta["date"]))
    return " · ".join(parts)


def caption(fig, meta):
    """The machine and the run, small, under the plot (a figure x label, so
    that the constrained layout leaves room for it)."""
    text = meta_caption(meta)
    if text:
        fig.supxlabel(text, x=0.01, ha="left", fontsize="x-small", color="0.35")


def set_count_axis(axis, values):
    """Ticks at the measured values only, labelled 10^k or plainly."""
    values = sorted(set(values))
    axis.set_major_locator(FixedLocator(values))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_count(v)))
    axis.set_minor_locator(NullLocator())


def split_variant(variant):
    """'span=16,sealed-end' -> ('span', 16.0, 'sealed-end'); 'span=4' -> ('span',
    4.0, None); None if the variant has no KEY=number part."""
    parts = (variant or "").split(",")
    for i, part in enumerate(parts):
        m = SWEEP.match(part)
        if m:
            return m.group(1), float(m.group(2)), ",".join(parts[:i] + parts[i + 1:]) or None
    return None


def sweep_key(rows):
    """KEY if every row's variant has a KEY=number part with the same KEY
    ("span"): the bench sweeps K, not N. Otherwise None."""
    keys = set()
    for r in rows:
        parsed = split_variant(r.get("variant"))
        if parsed is None:
            return None
        keys.add(parsed[0])
    return keys.pop() if len(keys) == 1 else None


def series_of(rows, key):
    """The lines of one panel, in plotting order: [(impl, label, style, [(x, row)])].
    Against N (key None) one per (impl, variant); against K one per (impl,
    the rest of the variant: "sealed-end")."""
    labels, lines = [], {}
    for r in rows:
        if key:
            _, x, label = split_variant(r["variant"])
        else:
            x, label = r["n"], r.get("variant")
        if label not in labels:
            labels.append(label)
        lines.setdefault((r["impl"], label), []).append((x, r))
    order = sorted(lines, key=lambda k: (impl_rank(k[0]), k[0], labels.index(k[1])))
    return [(impl, label, labels.index(label), sorted(lines[impl, label], key=lambda p: p[0]))
            for impl, label in order]


def draw_panel(ax, rows, key, is_time, others):
    """The lines of rows on ax, with their axes; their labels for the legend."""
    xs = []
    for impl, label, style, points in series_of(rows, key):
        x = [p[0] for p in points]
        xs.extend(x)
        marker, linestyle = STYLES[style % len(STYLES)]
        kw = dict(color=impl_colour(impl, others), marker=marker, linestyle=linestyle,
                  markersize=5, linewidth=1.5, label=impl if label is None else f"{impl} {label}")
        if is_time:
            med = [p[1]["ns_median"] for p in points]
            lo = [m - p[1]["ns_min"] for m, p in zip(med, points)]
            hi = [p[1]["ns_p99"] - m for m, p in zip(med, points)]
            ax.errorbar(x, med, yerr=[lo, hi], capsize=3, elinewidth=1, **kw)
        else:
            ax.plot(x, [p[1]["bytes_per_vma"] for p in points], **kw)
    ax.set_xscale("log")
    if min(xs) == max(xs):
        ax.set_xlim(min(xs) / 2, max(xs) * 2)
    set_count_axis(ax.xaxis, xs)
    ax.set_xlabel(key if key else "N (VMAs)")
    ax.grid(True, which="major", axis="x", alpha=0.25)
    if is_time:
        ax.set_yscale("log")
        ax.grid(True, which="both", axis="y", alpha=0.25)
    else:
        ax.set_ylim(bottom=0)
        ax.grid(True, axis="y", alpha=0.25)


def plot_bench(run, bench, rows, path):
    """One bench of one run into path; False if there was nothing to draw.
    A bench that sweeps K at several Ns gets a panel per N."""
    is_time = "ns_median" in rows[0]
    rows = [r for r in rows if ("ns_median" in r) == is_time]   # one kind per plot
    if is_time:
        # Log axes: a time of 0 (nothing measured) cannot be drawn.
        good = [r for r in rows if r["ns_min"] > 0 and r["ns_median"] > 0]
        if len(good) < len(rows):
            print(f"plot.py: {run.path}: {bench}: {len(rows) - len(good)} results with a time "
                  "<= 0 left out", file=sys.stderr)
        rows = good
    if not rows:
        return False
    key = sweep_key(rows)
    ns = sorted({r["n"] for r in rows})
    if key and len(ns) > 1:
        panels = [(f"N={fmt_n(n)}", [r for r in rows if r["n"] == n]) for n in ns]
    else:
        panels = [(None, rows)]
    ncols = min(2, len(panels))
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, squeeze=False, sharey=True, layout="constrained",
                             figsize=(7.5 if ncols == 1 else 11, 4.8 if nrows == 1 else 3.6 * nrows))
    others = sorted({r["impl"] for r in rows if r["impl"] not in COLOURS})
    for ax, (title, panel_rows) in zip(axes.flat, panels):
        draw_panel(ax, panel_rows, key, is_time, others)
        if title:
            ax.set_title(title, fontsize="medium")
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    if is_time:
        units = "/".join(sorted({r.get("unit", "op") for r in rows}))
        ylabel = f"ns per {units}: median, bars min to p99"
    else:
        ylabel = "bytes per VMA"
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    axes.flat[0].legend(fontsize="small", framealpha=0.85)
    fig.suptitle(bench + (f" at N={fmt_n(ns[0])}" if key and len(ns) == 1 else ""),
                 x=0.01, ha="left", fontweight="bold")
    caption(fig, run.meta)
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return True


def plot_allocators(base, other, path):
    """Ratios of the medians, other / base, of every time result in both
    runs: a row per (bench, impl), a dot per N and variant, coloured by N."""
    def key(r):
        return (r["bench"], r["impl"], r.get("variant"), r["n"])

    theirs = {key(r): r["ns_median"] for r in other.rows if "ns_median" in r}
    groups, ns = {}, set()
    for r in base.rows:
        o = theirs.get(key(r))
        if "ns_median" not in r or o is None or r["ns_median"] <= 0 or o <= 0:
            continue
        groups.setdefault((r["bench"], r["impl"]), []).append((r["n"], o / r["ns_median"]))
        ns.add(r["n"])
    if not groups:
        print("plot.py: the two runs have no time result in common; no allocator plot",
              file=sys.stderr)
        return False

    ns = sorted(ns)
    cmap = plt.get_cmap("viridis")
    colour = {n: cmap(0.85 * i / max(1, len(ns) - 1)) for i, n in enumerate(ns)}
    benches = list(dict.fromkeys(k[0] for k in groups))   # in the order of the run
    order = sorted(groups, key=lambda k: (benches.index(k[0]), impl_rank(k[1]), k[1]))
    fig, ax = plt.subplots(figsize=(8, 1.6 + 0.27 * len(order)), layout="constrained")
    ratios = []
    for y, k in enumerate(order):
        for n, ratio in groups[k]:
            ratios.append(ratio)
            ax.plot(ratio, y, "o", color=colour[n], markersize=6, alpha=0.9)
        if y and k[0] != order[y - 1][0]:
            ax.axhline(y - 0.5, color="0.7", linewidth=0.8)
    ax.axvline(1, color="0.3", linewidth=1)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels([f"{b} · {i}" for b, i in order], fontsize="small")
    ax.set_ylim(len(order) - 0.5, -0.5)

    # Log x, symmetric about 1: 0.8x and 1.25x are as far from it.
    reach = max(abs(math.log(r)) for r in ratios) * 1.15
    reach = max(reach, math.log(1.25))
    ax.set_xscale("log")
    ax.set_xlim(math.exp(-reach), math.exp(reach))
    ticks = [t for t in (0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 4)
             if math.exp(-reach) <= t <= math.exp(reach)]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}×"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.grid(True, axis="x", alpha=0.25)
    ax.set_xlabel(f"median time with {other.allocator} / with {base.allocator} "
                  f"(right of 1: {base.allocator} faster)")
    ax.set_title(f"Allocator: {other.allocator} malloc against {base.allocator}",
                 loc="left", fontweight="bold")
    handles = [plt.Line2D([], [], marker="o", linestyle="", color=colour[n],
                          label=f"N={fmt_n(n)}") for n in ns]
    ax.legend(handles=handles, fontsize="small", loc="lower right", framealpha=0.85)
    caption(fig, {k: v for k, v in base.meta.items() if k != "allocator"})
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)
    return True


def safe_name(s):
    return re.sub(r"[^\w.-]", "_", s)


def main(argv=None):
    ap = argparse.ArgumentParser(
        usage="%(prog)s -o OUTDIR FILE.json [FILE2.json]",
        description="Draw mmsim-bench --json output as SVG plots (see the docstring).")
    ap.add_argument("-o", "--outdir", required=True, help="directory for the SVG files")
    ap.add_argument("files", nargs="+", metavar="FILE.json",
                    help="mmsim-bench --json output; two files for the allocator comparison")
    args = ap.parse_args(argv)
    if len(args.files) > 2:
        ap.error("at most two files")

    runs = [load(p) for p in args.files]
    if len(runs) == 2:
        allocs = [r.allocator for r in runs]
        stems = [safe_name(os.path.splitext(os.path.basename(r.path))[0]) for r in runs]
        if allocs[0] and allocs[1] and allocs[0] != allocs[1]:
            tags = allocs
        elif stems[0] != stems[1]:
            tags = stems
        else:
            tags = ["1", "2"]
        for run, tag in zip(runs, tags):
            run.tag = "-" + safe_name(tag)
    os.makedirs(args.outdir, exist_ok=True)

    written = []
    for run in runs:
        benches = {}
        for r in run.rows:
            benches.setdefault(r["bench"], []).append(r)
        if not benches:
            print(f"plot.py: {run.path}: no results", file=sys.stderr)
        for bench, rows in benches.items():
            path = os.path.join(args.outdir, f"{safe_name(bench)}{run.tag}.svg")
            if plot_bench(run, bench, rows, path):
                written.append(path)

    if len(runs) == 2 and runs[0].allocator and runs[1].allocator \
            and runs[0].allocator != runs[1].allocator:
        base, other = runs if runs[1].allocator != "jemalloc" else runs[::-1]
        path = os.path.join(args.outdir, "allocator_compare.svg")
        if plot_allocators(base, other, path):
            written.append(path)

    for path in written:
        print(path)
    if not written:
        print("plot.py: nothing to plot", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
