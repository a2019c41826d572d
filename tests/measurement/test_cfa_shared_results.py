"""Results shared between CFAs of the same data (issue 17): ``engine.MEMO`` gives the very numbers a fresh
computation gives, never a stale one, and nobody can change what it stores.

A run fits the same model to the same data several times (the main CFA, the common-method check's trait model,
the nesting check's CFA with and without the dyads); the EM moments, the fit from the same start values, the
observed information and the robust pieces that do not depend on the clusters are computed once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.measurement import cfa
from alliance_stats.measurement.cfa import engine

MODEL = "A =~ a1 + a2 + a3 + a4\nB =~ b1 + b2 + b3 + b4"


def _data(seed: int = 5, n_dyads: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dyad = np.repeat(np.arange(n_dyads), 2)
    factors = rng.normal(size=(n_dyads, 2))[dyad] * 0.6 + rng.normal(size=(2 * n_dyads, 2)) * 0.6
    data = pd.DataFrame({f"{c}{i}": np.round(4 + 0.9 * factors[:, k] + rng.normal(scale=0.7, size=2 * n_dyads))
                         for k, c in enumerate("ab") for i in range(1, 5)})
    data = data.mask(rng.random(data.shape) < 0.06)  # FIML: about 40 missingness patterns
    return data.assign(dyad_id=dyad)


def _same(a, b) -> None:  # noqa: ANN001
    """Exactly the same numbers: estimates, standard errors, fit measures, covariance of the estimates."""
    pd.testing.assert_frame_equal(a.params, b.params, check_exact=True)
    pd.testing.assert_frame_equal(a.vcov, b.vcov, check_exact=True)
    assert a.fit.keys() == b.fit.keys()
    for key in a.fit:
        assert a.fit[key] == b.fit[key] or (np.isnan(a.fit[key]) and np.isnan(b.fit[key])), key


@pytest.mark.parametrize("options", [
    {"missing": "fiml"},
    {"missing": "fiml", "estimator": "MLR"},
    {"missing": "fiml", "estimator": "MLR", "cluster": "dyad_id"},
    {"missing": "listwise", "estimator": "MLR", "cluster": "dyad_id"},
])
def test_a_shared_result_equals_a_fresh_one(options: dict) -> None:
    data = _data()
    engine.MEMO.clear()
    fresh = cfa(data, MODEL, **options)
    engine.MEMO.clear()
    cfa(data, MODEL, missing=options["missing"], estimator=options.get("estimator", "ML"))  # fills the memo
    hits = engine.MEMO.hits
    shared = cfa(data, MODEL, **options)
    assert engine.MEMO.hits > hits  # the second CFA did reuse results
    _same(shared, fresh)


def test_other_data_get_their_own_results() -> None:
    data = _data()
    engine.MEMO.clear()
    first = cfa(data, MODEL, missing="fiml")
    other = data.copy()
    other.iloc[0, 0] = 7.0 if other.iloc[0, 0] != 7.0 else 1.0
    engine.MEMO.clear()
    fresh = cfa(other, MODEL, missing="fiml")
    engine.MEMO.clear()
    cfa(data, MODEL, missing="fiml")
    after = cfa(other, MODEL, missing="fiml")
    _same(after, fresh)
    assert not first.params["est"].equals(after.params["est"])


def test_stored_results_are_read_only() -> None:
    engine.MEMO.clear()
    cfa(_data(), MODEL, missing="fiml")
    stored = list(engine.MEMO.items.values())
    assert stored
    arrays = []
    for value in stored:
        parts = value if isinstance(value, tuple) else (value,)
        for part in parts:
            arrays += [part] if isinstance(part, np.ndarray) else [
                v for v in vars(part).values() if isinstance(v, np.ndarray)] if hasattr(part, "__dict__") else []
    assert arrays
    for array in arrays:
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0.0


def test_the_memo_keeps_only_the_last_results() -> None:
    memo = engine.Memo(size=2)
    calls = []
    for key in ("a", "b", "a", "c", "b"):
        memo.get((key,), lambda key=key: calls.append(key) or np.zeros(2))
    assert calls == ["a", "b", "c", "b"]  # "a" was reused; "b" was dropped when "c" came (least recently used)
    assert memo.hits == 1
    big = engine.Memo(max_bytes=10)
    big.get(("x",), lambda: np.zeros(100), nbytes=800)
    assert not big.items  # too large to keep


def test_the_memo_can_be_shared_by_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    memo = engine.Memo(size=2)

    def work(i: int) -> float:
        return float(memo.get((i % 5,), lambda: np.full(3, float(i % 5)))[0])

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(work, range(2000)))
    assert values == [float(i % 5) for i in range(2000)]


def test_a_run_forgets_the_shared_results_even_when_it_fails(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """The local web page's process runs plan after plan: the last run's matrices are not kept."""
    from pathlib import Path

    from alliance_stats.plan import load_plan, run_plan, runner

    def measurement_then_failure(ctx, prepared):  # noqa: ANN001, ANN202
        cfa(_data(), MODEL, missing="fiml")
        assert engine.MEMO.items
        raise RuntimeError("a stage failed")

    monkeypatch.setattr(runner, "_section_measurement", measurement_then_failure)
    root = Path(__file__).resolve().parents[2]
    with pytest.raises(RuntimeError, match="a stage failed"):
        run_plan(load_plan(root / "analyses" / "confirmatory.yaml"), tmp_path / "run")
    assert not engine.MEMO.items and not engine.LAST_GRADIENTS.items
    assert not (tmp_path / "run").exists()


def test_the_cluster_fit_computes_again_only_what_depends_on_the_clusters(monkeypatch) -> None:  # noqa: ANN001
    """The nesting check fits MLR without, then with, the dyads: the second fit finds Delta, the fitted model's
    scores and the baseline model's estimates, scores and information of the first (all shared in MEMO)."""
    from alliance_stats.measurement.cfa import robust

    data = _data()
    engine.MEMO.clear()
    cfa(data, MODEL, missing="fiml", estimator="MLR")
    calls: list[str] = []
    for name in ("_moment_jacobian", "_available_case_moments", "casewise_scores", "observed_information_h1"):
        original = getattr(robust, name)
        monkeypatch.setattr(robust, name, lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k))
    cfa(data, MODEL, missing="fiml", estimator="MLR", cluster="dyad_id")
    assert calls == []
