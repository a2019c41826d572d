"""Plant the one-line bugs of issue 15 item 17 one at a time and check that the rule tests catch each one.

Usage (from the repository root)::

    /work/main/.venv/bin/python tests/tools/mutants.py                # every mutant, the rule tests
    /work/main/.venv/bin/python tests/tools/mutants.py --existing     # also the stage's older tests
    /work/main/.venv/bin/python tests/tools/mutants.py --only cfi_floor epv_le

The repository's files are never changed: the package, the tests, ``analyses/``, ``surveys/`` and
``pyproject.toml`` are copied into a temporary folder, one source line of the copy is replaced, and pytest runs
there with that folder first on ``PYTHONPATH`` (a check confirms the mutated copy is the one imported). The
unmutated copy is run first: a test that fails without a bug proves nothing. A mutant is *killed* when at least
one of its tests fails; the table lists the tests that failed. Exit status 1 when a mutant survives.
About 7 minutes on 2 cores (the two runner mutants run a whole plan each); ``--existing`` adds about 15.

Not collected by pytest (the file name does not start with ``test_``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COPIED = ("alliance_stats", "tests", "analyses", "surveys", "pyproject.toml")

CLUSTER = "tests/typology/test_rules_cluster.py"
DATA = "tests/data/test_rules_data.py"
CFA = "tests/measurement/test_rules_cfa_fit.py"
MODELS = "tests/models/test_rules_models.py"
RUNNER = "tests/plan/test_rules_runner.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    description: str
    path: str  # inside the repository
    old: str  # must occur exactly once
    new: str
    tests: tuple[str, ...]
    existing: tuple[str, ...] = ()  # the stage's older tests (``--existing``)


MUTANTS: tuple[Mutant, ...] = (
    Mutant("ari_is_accuracy", "cluster check: ARI replaced by the matched accuracy",
           "alliance_stats/typology/cluster/solutions.py",
           "out.ari[method] = float(adjusted_rand_from_table(table))", "out.ari[method] = float(acc)",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("partition_ari_is_accuracy", "partition_agreement: ARI replaced by the matched accuracy",
           "alliance_stats/typology/cluster/agreement.py",
           "ari = float(adjusted_rand_from_table(table))", "ari = float(_match(table)[1])",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("jaccard_cut_050", "verdict: stability cut .75 -> .50",
           "alliance_stats/typology/cluster/verdict.py",
           "stable = bool(jaccard.min() >= STABLE_JACCARD)", "stable = bool(jaccard.min() >= 0.50)",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("stable_jaccard_constant_050", "settings: STABLE_JACCARD = .50",
           "alliance_stats/typology/cluster/settings.py",
           "STABLE_JACCARD = 0.75", "STABLE_JACCARD = 0.50",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("supported_on_one_method", "verdict: 'supported' when one method passes",
           "alliance_stats/typology/cluster/verdict.py",
           "    needed = math.ceil(len(e.methods) / 2)\n", "    needed = 1\n",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("supported_needs_all_methods", "verdict: 'supported' only when every method passes",
           "alliance_stats/typology/cluster/verdict.py",
           "    needed = math.ceil(len(e.methods) / 2)\n", "    needed = len(e.methods)\n",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("passed_on_one_check", "verdict: a method passes on any one of its four checks",
           "alliance_stats/typology/cluster/verdict.py",
           '"all_passed": all(v is True', '"all_passed": any(v is True',
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("ari_threshold_strict", "verdict: ARI > .65 instead of >= .65",
           "alliance_stats/typology/cluster/verdict.py",
           "e.ari[method] >= ARI_THRESHOLD", "e.ari[method] > ARI_THRESHOLD",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("ari_threshold_060", "settings: ARI threshold .65 -> .60",
           "alliance_stats/typology/cluster/settings.py",
           "ARI_THRESHOLD = 0.65", "ARI_THRESHOLD = 0.60",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("ari_p_le_alpha", "verdict: permutation p <= .05 instead of < .05",
           "alliance_stats/typology/cluster/verdict.py",
           "e.ari_p[method] < ALPHA) if e.has_theory", "e.ari_p[method] <= ALPHA) if e.has_theory",
           (CLUSTER,), ("tests/typology/test_cluster.py",)),
    Mutant("runner_skips_holm", "runner: hypotheses without Holm's correction",
           "alliance_stats/plan/sections/hypotheses.py",
           'alpha=0.05, correction="holm")', 'alpha=0.05, correction="none")',
           (RUNNER,)),
    Mutant("runner_ignores_exclusions", "runner: the plan's exclusion rules ignored",
           "alliance_stats/plan/sections/prepare.py",
           "apply_exclusions(responses, flags, plan.exclusions)",
           "apply_exclusions(responses, flags, ExclusionRules())",
           (RUNNER,)),
    Mutant("cfi_without_floor", "CFI without max(., 0) on chisq - df",
           "alliance_stats/measurement/cfa/fit.py",
           "t1 = max(chisq - c_hat * df, 0.0)", "t1 = chisq - c_hat * df",
           (CFA,), ("tests/measurement/test_cfa_lavaan.py", "tests/measurement/test_cfa_properties.py")),
    Mutant("epv_le", "auto method: Firth at EPV <= 10 instead of < 10",
           "alliance_stats/models/logit.py",
           "if epv < EPV_THRESHOLD:", "if epv <= EPV_THRESHOLD:",
           (MODELS,), ("tests/models/test_logit.py",)),
    Mutant("epv_threshold_5", "EPV threshold 10 -> 5",
           "alliance_stats/core/constants.py",
           "EPV_THRESHOLD: float = 10.0", "EPV_THRESHOLD: float = 5.0",
           (MODELS,), ("tests/models/test_logit.py",)),
    Mutant("mediation_resamples_firms", "mediation bootstrap resamples firms instead of dyads",
           "alliance_stats/models/mediation.py",
           "weights = rng.multinomial(G, np.full(G, 1.0 / G), size=settings.n_boot)[:, codes].astype(float)",
           "weights = rng.multinomial(n, np.full(n, 1.0 / n), size=settings.n_boot).astype(float)",
           (MODELS,), ("tests/models/test_mediation.py",)),
    Mutant("longstring_ge", "exclusion: longstring >= max_longstring instead of >",
           "alliance_stats/data/quality.py",
           'column("longstring") > rules.max_longstring', 'column("longstring") >= rules.max_longstring',
           (DATA,), ("tests/data/test_quality.py", "tests/data/test_careless_exclusions.py")),
    Mutant("rwg_share_gt", "agreement: share of rwg(j) > .70 instead of >= .70",
           "alliance_stats/data/agreement.py",
           "np.mean(rwg >= RWG_THRESHOLD)", "np.mean(rwg > RWG_THRESHOLD)",
           (DATA,), ("tests/data/test_agreement.py",)),
    Mutant("constant_salt", "privacy: a constant pseudonymisation salt",
           "alliance_stats/data/privacy.py",
           "_RUN_SALT = secrets.token_hex(16)", '_RUN_SALT = "0" * 32',
           (DATA,), ("tests/data/test_privacy.py",)),
)


def copy_repository(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def environment(root: Path) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")


def imported_from(root: Path) -> Path:
    code = "import alliance_stats, pathlib; print(pathlib.Path(alliance_stats.__file__).resolve().parent)"
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=environment(root), capture_output=True,
                          text=True, check=True)
    return Path(done.stdout.strip())


def run_pytest(root: Path, files: tuple[str, ...], workers: int) -> tuple[int, list[str], str]:
    """(exit status, failed test ids, last lines of the output)."""
    command = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "-m", "not validate",
               "-W", "ignore", *files]
    if workers > 1:
        command += ["-n", str(workers)]
    done = subprocess.run(command, cwd=root, env=environment(root), capture_output=True, text=True)
    output = done.stdout + done.stderr
    failed = sorted({m.group(1) for m in re.finditer(r"^(?:FAILED|ERROR) (\S+)", output, flags=re.MULTILINE)})
    tail = "\n".join(output.strip().splitlines()[-3:])
    return done.returncode, failed, tail


def short(test_id: str) -> str:
    path, _, name = test_id.partition("::")
    return f"{Path(path).name}::{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="mutant names (default: all)")
    parser.add_argument("--existing", action="store_true", help="also run the stage's older tests on each mutant")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the unmutated copy first")
    parser.add_argument("--workers", type=int, default=1, help="pytest-xdist workers (default 1)")
    args = parser.parse_args(argv)
    mutants = [m for m in MUTANTS if args.only is None or m.name in args.only]
    unknown = set(args.only or ()) - {m.name for m in MUTANTS}
    if unknown:
        parser.error(f"unknown mutants {sorted(unknown)}; known: {', '.join(m.name for m in MUTANTS)}")

    with tempfile.TemporaryDirectory(prefix="alliance_mutants_") as tmp:
        root = Path(tmp)
        copy_repository(root)
        where = imported_from(root)
        if where != (root / "alliance_stats").resolve():
            print(f"the copy is not the package imported ({where}); stopping", file=sys.stderr)
            return 2
        if not args.skip_baseline:
            files = tuple(sorted({f for m in mutants for f in m.tests + (m.existing if args.existing else ())}))
            code, failed, tail = run_pytest(root, files, args.workers)
            if code != 0:
                print(f"baseline fails without any mutant ({', '.join(failed) or tail}); stopping", file=sys.stderr)
                return 2
            print(f"baseline: {len(files)} test files pass on the unmutated copy", flush=True)

        rows = []
        for mutant in mutants:
            target = root / mutant.path
            original = target.read_text(encoding="utf-8")
            if original.count(mutant.old) != 1:
                print(f"{mutant.name}: the line to mutate is not found exactly once in {mutant.path}", file=sys.stderr)
                return 2
            target.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
            try:
                code, failed, tail = run_pytest(root, mutant.tests, args.workers)
                if code not in (0, 1):
                    failed = failed or [f"pytest exit {code}: {tail}"]
                old_code, old_failed = None, []
                if args.existing and mutant.existing:
                    old_code, old_failed, _ = run_pytest(root, mutant.existing, args.workers)
            finally:
                target.write_text(original, encoding="utf-8")
            killed = code != 0
            rows.append((mutant, killed, failed, old_code, old_failed))
            extra = "" if old_code is None else f"; older tests: {'killed' if old_code else 'survived'}"
            print(f"{mutant.name}: {'killed' if killed else 'SURVIVED'}{extra}", flush=True)

    print()
    header = "| mutant | file | killed | tests that fail |"
    if args.existing:
        header += " older tests kill it |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for mutant, killed, failed, old_code, _ in rows:
        line = (f"| {mutant.name}: {mutant.description} | {mutant.path.removeprefix('alliance_stats/')} | "
                f"{'yes' if killed else 'NO'} | {'<br>'.join(short(t) for t in failed) or '-'} |")
        if args.existing:
            line += f" {'-' if old_code is None else ('yes' if old_code else 'no')} |"
        print(line)
    survivors = [r[0].name for r in rows if not r[1]]
    print(f"\n{len(rows) - len(survivors)} of {len(rows)} mutants killed" +
          (f"; survived: {', '.join(survivors)}" if survivors else ""))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
