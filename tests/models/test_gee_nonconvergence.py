"""A GEE that diverges reports non-convergence (issue 15, item 14).

R's datasets::infert exported by tests/fixtures/models/make_fixtures_gee_infert.R; geepack 1.3.9 itself
returns coefficients of the order of 1e15 without a word there (gee_infert.json): the iterations diverge.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import ConvergenceWarning
from alliance_stats.models.logit import LogitSettings, fit_logit

HERE = Path(__file__).resolve().parents[1] / "fixtures" / "models"


@pytest.fixture(scope="module")
def infert() -> pd.DataFrame:
    return pd.read_csv(HERE / "infert.csv")


def test_fixture_documents_geepack_divergence() -> None:
    ref = json.loads((HERE / "gee_infert.json").read_text())
    assert ref["n"] == 248 and ref["clusters"] == 63
    assert max(abs(v) for v in ref["geepack_coef"].values()) > 1e10


def test_diverging_gee_warns_and_says_so(infert: pd.DataFrame) -> None:
    with pytest.warns(ConvergenceWarning, match="GEE iterations did not converge: the estimates are not finite"):
        res = fit_logit(infert, "case", ["spontaneous", "induced", "age"], cluster="pooled.stratum",
                        settings=LogitSettings(gee=True))
    assert not np.isfinite(res.params.to_numpy()).all()
    assert any("did not converge" in w for w in res.warnings)
    assert any("did not converge" in w for w in res.to_dict()["warnings"])


def test_converging_gee_has_no_convergence_warning(infert: pd.DataFrame) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_logit(infert, "case", ["spontaneous", "induced"], cluster="stratum",
                        settings=LogitSettings(gee=True))
    assert np.isfinite(res.params.to_numpy()).all()
    assert not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert not any("did not converge" in w for w in res.warnings)
