"""Descriptives and correlations (alliance_stats.data.descriptives) against scipy and pingouin."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats

from alliance_stats.data.descriptives import describe_correlate
from alliance_stats.plan.sections.descriptives import correlation_frame


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(120, 4))
    x[:, 1] += 0.4 * x[:, 0]
    x[:, 2] += 0.15 * x[:, 0]
    data = pd.DataFrame(x, columns=list("abcd"))
    data.iloc[[3, 7, 11], 1] = np.nan  # pairwise-complete n
    data.iloc[[5], 3] = np.nan
    return data


def test_correlations_and_p_equal_scipy_and_pingouin(frame):
    desc = describe_correlate(frame)
    checked = 0
    for i, a in enumerate(frame.columns):
        for b in frame.columns[i + 1:]:
            ok = frame[[a, b]].dropna()
            r, p = stats.pearsonr(ok[a], ok[b])
            ping = pg.corr(ok[a], ok[b])
            assert desc.r.loc[a, b] == pytest.approx(r, abs=1e-12) == pytest.approx(ping["r"].iloc[0], abs=1e-12)
            assert desc.p.loc[a, b] == pytest.approx(p, rel=1e-10)
            ping_p = ping["p_val"].iloc[0] if "p_val" in ping else ping["p-val"].iloc[0]
            assert desc.p.loc[a, b] == pytest.approx(ping_p, rel=1e-6)
            assert desc.n.loc[a, b] == len(ok)
            checked += 1
    assert checked == 6
    assert desc.summary.loc["b", "n"] == 117
    assert desc.summary.loc["a", "mean"] == pytest.approx(frame["a"].mean())
    assert desc.summary.loc["b", "sd"] == pytest.approx(frame["b"].std(ddof=1))


def test_apa_frame_marks_significance_and_puts_alpha_on_the_diagonal(frame):
    desc = describe_correlate(frame)
    labels = {c: c.upper() for c in frame.columns}
    out = correlation_frame(desc, labels, {"a": 0.812, "b": 0.7, "c": None, "d": None}, "fr")
    assert list(out.columns) == ["M", "SD", "1", "2", "3", "4"]
    assert out.loc["1. A", "1"] == "(,81)" and out.loc["3. C", "3"] == "—"
    assert out.loc["1. A", "2"] == ""  # upper triangle empty
    r, p = desc.r.loc["b", "a"], desc.p.loc["b", "a"]
    assert p < 0.01 and out.loc["2. B", "1"] == f"{r:.2f}".replace("0.", ",") + "**"
    weak = [(i, j) for i in range(4) for j in range(i) if desc.p.iloc[i, j] >= 0.05]
    assert weak, "the fixture should hold a non-significant pair"
    i, j = weak[0]
    assert not out.iloc[i, 2 + j].endswith("*")
