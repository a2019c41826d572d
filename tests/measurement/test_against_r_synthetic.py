"""psych, lavaan and semTools on the project's own synthetic data (fixture: make_fixtures_synthetic.R).

The R script cleans the bundled responses itself (99 -> missing, reverse-keyed items as 8 - x), so these tests
also check that :func:`alliance_stats.data.scoring.clean_items` prepares the items exactly as a researcher
would in R. Tolerances: 1e-6 for alpha, KMO and Bartlett; 1e-3 for CFA numbers and EFA loadings (issue 4).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.data.scoring import clean_items
from alliance_stats.instrument import default_instrument
from alliance_stats.measurement import bartlett_sphericity, cfa, cronbach_alpha, efa, htmt, kmo

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "measurement"
REF = json.loads((FIXTURES / "synthetic_fixtures.json").read_text(encoding="utf-8"))
ITEMS = pd.read_csv(FIXTURES / "synthetic_items.csv")
MODEL = "\n".join([
    "LINK =~ " + " + ".join(f"LINK_{i}" for i in range(1, 8)),
    "SYM =~ " + " + ".join(f"SYM_{i}" for i in range(1, 7)),
    "TRS =~ " + " + ".join(f"TRS_{i}" for i in range(1, 6)),
])


def test_reference_versions():
    assert REF["versions"]["psych"] == "2.2.9"
    assert REF["versions"]["lavaan"] == "0.6.14"
    assert REF["versions"]["semTools"] == "0.5.6"


def test_clean_items_prepares_the_items_as_the_r_script():
    responses = pd.read_csv(ROOT / "analyses" / "data" / "synthetic_responses.csv")
    ours = clean_items(responses, default_instrument())
    pd.testing.assert_frame_equal(ours.reset_index(drop=True)[ITEMS.columns], ITEMS.astype(float),
                                  check_dtype=False)


@pytest.mark.parametrize("code", list(REF["alpha"]))
def test_alpha_matches_psych(code):
    ref = REF["alpha"][code]
    cols = list(ref["r_drop"])
    res = cronbach_alpha(ITEMS[cols], ci=None)
    assert res.alpha == pytest.approx(ref["raw_alpha"], abs=1e-6)
    assert res.std_alpha == pytest.approx(ref["std_alpha"], abs=1e-6)
    np.testing.assert_allclose(res.items.loc[cols, "r_drop"], list(ref["r_drop"].values()), atol=1e-6)
    np.testing.assert_allclose(res.items.loc[cols, "alpha_if_dropped"], list(ref["alpha_drop"].values()), atol=1e-6)


def test_kmo_and_bartlett_match_psych():
    k = kmo(ITEMS)
    assert k.msa == pytest.approx(REF["kmo"]["msa"], abs=1e-6)
    np.testing.assert_allclose(pd.Series(k.msa_items)[list(REF["kmo"]["msa_items"])],
                               list(REF["kmo"]["msa_items"].values()), atol=1e-6)
    b = bartlett_sphericity(ITEMS)
    assert b.chisq == pytest.approx(REF["bartlett"]["chisq"], rel=1e-9)
    assert b.df == REF["bartlett"]["df"]


def test_efa_minres_oblimin_matches_psych_up_to_order_and_sign():
    cols = REF["efa"]["items"]
    ours = np.asarray(efa(ITEMS[cols], 3, method="minres", rotation="oblimin").loadings, dtype=float)
    ref = np.asarray(REF["efa"]["loadings"], dtype=float)
    matched = []
    for j in range(3):
        best = min(range(3), key=lambda c: min(np.abs(ours[:, c] - ref[:, j]).max(),
                                               np.abs(ours[:, c] + ref[:, j]).max()))
        sign = 1.0 if np.abs(ours[:, best] - ref[:, j]).max() < np.abs(ours[:, best] + ref[:, j]).max() else -1.0
        matched.append(sign * ours[:, best])
    np.testing.assert_allclose(np.column_stack(matched), ref, atol=1e-3)


@pytest.mark.parametrize("missing", ["listwise", "fiml"])
def test_cfa_matches_lavaan_and_semtools(missing):
    ref = REF[f"cfa_{missing}"]
    fit = cfa(ITEMS, MODEL, missing=missing)
    for name, value in ref["fit"].items():
        assert fit.fit[name] == pytest.approx(value, rel=1e-3, abs=1e-3), name
    std = fit.loadings.set_index(["factor", "item"])["std_est"]
    for row in ref["loadings"]:
        assert std[(row["factor"], row["item"])] == pytest.approx(row["std_all"], abs=1e-3)
    for factor in ("LINK", "SYM", "TRS"):
        assert fit.reliability.loc[factor, "omega"] == pytest.approx(ref["omega"][factor], abs=1e-3)
        assert fit.reliability.loc[factor, "ave"] == pytest.approx(ref["ave"][factor], abs=1e-3)


def test_htmt_matches_semtools():
    ours = htmt(ITEMS, MODEL).matrix
    ref = pd.DataFrame(REF["htmt"]["values"], index=REF["htmt"]["factors"], columns=REF["htmt"]["factors"])
    for i, a in enumerate(ref.index):
        for b in ref.index[:i]:
            value = ours.loc[a, b] if np.isfinite(ours.loc[a, b]) else ours.loc[b, a]
            assert value == pytest.approx(ref.loc[a, b], abs=1e-3)
