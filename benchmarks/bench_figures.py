"""CPU time of each figure of the demo run, built and written (issue 17: the figures' drawing).

Run from the repository root:
    PYTHONPATH=. .venv/bin/python benchmarks/bench_figures.py                      # this checkout, 5 repeats
    PYTHONPATH=. .venv/bin/python benchmarks/bench_figures.py --before ../before --pairs 7

Runs ``alliance-stats run analyses/confirmatory.yaml --jobs 1`` once with the figure builders of
``report.figures`` and ``typology.figures`` recording their arguments (the demo's seven figures: two Likert
figures, scree, typology map, k selection, predicted probabilities, forest), then builds each figure and renders it
with ``plan.context.rendered_figure`` (``figure_files``: layout, PNG, SVG), timed with ``process_time``, and
prints the median CPU per figure and the SHA-256 of its files. With ``--before DIR``, each checkout runs in
processes of its own (``PYTHONPATH``), alternated (before, after, before, ...), every process rendering every
figure once; the script prints per-figure medians, the per-pair ratios of the totals and whether the files of
the two checkouts are byte-identical.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BUILDERS = {
    "alliance_stats.report.figures": ("likert_diverging_bars", "scree_plot", "forest_plot",
                                      "predicted_probabilities_plot", "k_selection_plot"),
    "alliance_stats.typology.figures": ("typology_map",),
}


def capture(path: Path) -> None:
    """Run the demo (``--jobs 1``) and pickle every figure builder's name and arguments to ``path``."""
    import importlib

    from alliance_stats.cli import app

    calls: list[tuple[str, str, tuple[Any, ...], dict[str, Any]]] = []
    for module_name, names in BUILDERS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, _recording(calls, module_name, name, getattr(module, name)))
    with tempfile.TemporaryDirectory() as folder:
        sys.argv = ["alliance-stats", "run", "analyses/confirmatory.yaml", "-o", str(Path(folder) / "run"), "--force",
                    "--jobs", "1"]
        with contextlib.suppress(SystemExit):
            app()
    path.write_bytes(pickle.dumps(calls))


def _recording(calls: list[Any], module_name: str, name: str, builder: Any) -> Any:
    def record(*args: Any, **kwargs: Any) -> Any:
        calls.append((module_name, name, args, kwargs))
        return builder(*args, **kwargs)

    return record


def render(path: Path, repeat: int) -> dict[str, Any]:
    """CPU seconds of each figure (build and files, ``repeat`` times) and the SHA-256 of its files."""
    import importlib

    from alliance_stats.plan.context import rendered_figure

    calls = pickle.loads(path.read_bytes())
    seconds: dict[str, list[float]] = {}
    digests: dict[str, dict[str, str]] = {}
    for number, (module_name, name, args, kwargs) in enumerate(calls):
        builder = getattr(importlib.import_module(module_name), name)
        key = f"{number + 1}_{name}"
        for _ in range(repeat):
            start = time.process_time()
            files, _size = rendered_figure(builder(*args, **kwargs))
            seconds.setdefault(key, []).append(time.process_time() - start)
        digests[key] = {kind: hashlib.sha256(data).hexdigest() for kind, data in files.items()}
    return {"seconds": seconds, "digests": digests}


def _child(root: Path, *argv: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, __file__, *argv], cwd=root, env=env, check=True, capture_output=True,
                          text=True)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="renders of each figure (without --before)")
    parser.add_argument("--before", type=Path, default=None, help="another checkout, alternated with this one")
    parser.add_argument("--pairs", type=int, default=5, help="alternated processes per checkout (with --before)")
    parser.add_argument("--capture", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--render", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.capture:
        capture(args.capture)
        return
    if args.render:
        print(json.dumps(render(args.render, args.repeat)))
        return
    here = Path(__file__).resolve().parent.parent
    roots = {"after": here} if args.before is None else {"before": args.before.resolve(), "after": here}
    with tempfile.TemporaryDirectory() as folder:
        inputs = {}
        for name, root in roots.items():
            inputs[name] = Path(folder) / f"{name}.pkl"
            _child(root, "--capture", str(inputs[name]))
        if args.before is None:
            result = json.loads(_child(here, "--render", str(inputs["after"]), "--repeat", str(args.repeat)))
            for key, values in result["seconds"].items():
                print(f"  {statistics.median(values) * 1000:7.1f} ms  {key}")
            print(f"  {sum(statistics.median(v) for v in result['seconds'].values()) * 1000:7.1f} ms  all figures")
            return
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
        for _ in range(args.pairs):
            for name in ("before", "after"):
                runs[name].append(json.loads(_child(roots[name], "--render", str(inputs[name]), "--repeat", "1")))
    keys = list(runs["after"][0]["seconds"])
    print(f"  {'figure':34s} {'before':>9s} {'after':>9s}  (median CPU of {args.pairs} processes each)")
    for key in keys:
        before = statistics.median(run["seconds"][key][0] for run in runs["before"])
        after = statistics.median(run["seconds"][key][0] for run in runs["after"])
        print(f"  {key:34s} {before * 1000:7.1f}ms {after * 1000:7.1f}ms")
    totals = {name: [sum(v[0] for v in run["seconds"].values()) for run in runs[name]] for name in runs}
    ratios = [a / b for a, b in zip(totals["after"], totals["before"], strict=True)]
    print(f"  {'all figures':34s} {statistics.median(totals['before']) * 1000:7.1f}ms "
          f"{statistics.median(totals['after']) * 1000:7.1f}ms  after/before per pair: "
          + " ".join(f"{r:.3f}" for r in ratios) + f" (median {statistics.median(ratios):.3f})")
    same = [key for key in keys if runs["before"][0]["digests"].get(key) == runs["after"][0]["digests"][key]]
    print(f"  files byte-identical: {len(same)} of {len(keys)} figures"
          + ("" if len(same) == len(keys) else f" (differ: {', '.join(k for k in keys if k not in same)})"))


if __name__ == "__main__":
    main()
