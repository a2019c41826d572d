"""Readers of the lavaan 0.6-14 reference values for the ordinal CFA (tests/fixtures/ordinal_cfa/make_fixtures.R)."""

from __future__ import annotations

import gzip
import json
import math
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ordinal_cfa"
# every fitMeasures value the ordinal route reports (lavaan gives NA for the p values of ULS)
FIT_KEYS = ("npar", "fmin", "chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
            "chisq.scaling.factor", "baseline.chisq", "baseline.df", "baseline.pvalue", "baseline.chisq.scaled",
            "baseline.df.scaled", "baseline.pvalue.scaled", "baseline.chisq.scaling.factor", "cfi", "tli",
            "cfi.scaled", "tli.scaled", "cfi.robust", "tli.robust", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper",
            "rmsea.pvalue", "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
            "rmsea.pvalue.scaled", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust",
            "rmsea.pvalue.robust", "srmr", "srmr_bentler", "crmr", "wrmr", "ntotal")
# the fit measures that depend on gamma only through its diagonal (checkable without the full NACOV)
DIAGONAL_ONLY = ("npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
                 "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "srmr_bentler", "crmr", "wrmr", "ntotal")


@cache
def reference(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def sample_statistics(name: str) -> tuple[pd.Series, pd.DataFrame, np.ndarray | None, int]:
    """lavaan's thresholds, polychoric matrix, gamma (None when not stored) and nobs."""
    ref = reference(name)
    th = pd.Series([t["value"] for t in ref["sampstat"]["th"]], index=[t["name"] for t in ref["sampstat"]["th"]])
    cor = pd.DataFrame(np.array(ref["sampstat"]["cor"]), index=ref["items"], columns=ref["items"])
    path = FIXTURES / f"{name}_gamma.bin.gz"
    gamma = None
    if path.exists():
        q = ref["gamma_dim"][0]
        gamma = np.frombuffer(gzip.decompress(path.read_bytes()), dtype="<f8").reshape(q, q, order="F")
    return th, cor, gamma, int(ref["nobs"])


def params(name: str, estimator: str) -> pd.DataFrame:
    frame = pd.DataFrame(reference(name)["fits"][estimator]["params"])
    frame["rhs"] = frame["rhs"].fillna("")
    return frame


def compare_params(ours: pd.DataFrame, name: str, estimator: str, columns: tuple[str, ...]) -> dict[str, float]:
    """Largest absolute difference per column over the rows lavaan and we both report (all of lavaan's)."""
    ref = params(name, estimator)
    merged = ref.merge(ours, on=["lhs", "op", "rhs"], suffixes=("_r", ""), how="left", indicator=True)
    assert (merged["_merge"] == "both").all(), merged.loc[merged["_merge"] != "both", ["lhs", "op", "rhs"]]
    return {c: float((merged[c] - merged[f"{c}_r"]).abs().max()) for c in columns}


def fit_differences(ours: dict[str, float], name: str, estimator: str, keys: tuple[str, ...]) -> dict[str, float]:
    """Scaled difference |ours - lavaan| / max(1, |lavaan|) for each key lavaan reports (NA must be NaN)."""
    ref = reference(name)["fits"][estimator]["fit"]
    out = {}
    for key in keys:
        if key not in ref:
            continue
        value = ref[key]
        if value is None:
            assert math.isnan(ours[key]), key
            continue
        out[key] = abs(ours[key] - value) / max(1.0, abs(value))
    return out
