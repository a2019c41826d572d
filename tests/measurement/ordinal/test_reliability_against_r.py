"""Ordinal alpha against psych::alpha on lavaan's polychoric matrix, categorical omega against
semTools::compRelSEM(fit, ord.scale = TRUE) on lavaan's WLSMV estimates (tests/fixtures/ordinal_poly)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.errors import SpecificationError
from alliance_stats.measurement.ordinal import categorical_omega, ordinal_alpha, polychoric

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "ordinal_poly"
SUMMARY = json.loads((FIX / "summary.json").read_text())
SETS = {"sim": "listwise", "bfi_complete": "listwise", "bfi_missing": "pairwise", "synthetic": "pairwise"}


@pytest.mark.parametrize("name", list(SETS))
def test_ordinal_alpha_equals_psych_alpha_on_the_polychoric_matrix(name: str) -> None:
    data = pd.read_csv(FIX / f"{name}_data.csv")
    ours = ordinal_alpha(data, missing=SETS[name])
    assert ours == pytest.approx(SUMMARY[name]["ordinal_alpha_lavcor"], abs=1e-6)
    # on psych's own polychoric matrix (optimize() tolerance in its rho) alpha differs by <= 4.4e-6
    assert ours == pytest.approx(SUMMARY[name]["ordinal_alpha_psych"], abs=1e-5)


@pytest.mark.parametrize("name", list(SUMMARY["omega"]))
def test_categorical_omega_equals_semtools(name: str) -> None:
    ref = SUMMARY["omega"][name]
    items = ref["items"]
    corr = pd.DataFrame(np.array(ref["sampstat_cor"]), index=items, columns=items)
    value = categorical_omega(pd.Series(ref["std_loadings"]), pd.Series(ref["thresholds"]), corr)
    assert value == pytest.approx(ref["omega"], abs=1e-6)


def test_categorical_omega_from_our_polychoric_matrix_and_thresholds() -> None:
    """With our own polychoric matrix as the denominator (lavaan's sampstat up to 4e-8) omega still agrees."""
    ref = SUMMARY["omega"]["sim"]
    data = pd.read_csv(FIX / "sim_data.csv")
    poly = polychoric(data)
    value = categorical_omega(pd.Series(ref["std_loadings"]), poly.thresholds, poly.correlation)
    assert value == pytest.approx(ref["omega"], abs=1e-6)


def test_categorical_omega_rejects_missing_thresholds() -> None:
    lam = pd.Series({"a": 0.7, "b": 0.6})
    corr = pd.DataFrame(np.eye(2), index=["a", "b"], columns=["a", "b"])
    with pytest.raises(SpecificationError, match="'b'"):
        categorical_omega(lam, {"a": [0.0]}, corr)
