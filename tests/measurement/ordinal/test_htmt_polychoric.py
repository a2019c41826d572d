"""HTMT from the polychoric matrix (the ordinal route) against semTools::htmt(model, data, ordered = )."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.errors import SpecificationError
from alliance_stats.measurement import htmt
from alliance_stats.measurement.ordinal import polychoric

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "ordinal_poly"
BFI_MODEL = "\n".join(f"{f} =~ " + " + ".join(f"{f}{k}" for k in range(1, 6)) for f in "ACENO")


def test_htmt_on_the_polychoric_matrix_equals_semtools() -> None:
    ref = json.loads((FIX / "summary.json").read_text())["htmt_bfi_ordinal"]
    data = pd.read_csv(FIX / "bfi_complete_data.csv")
    ours = htmt(None, BFI_MODEL, correlation=polychoric(data).correlation).matrix
    assert list(ours.index) == ref["factors"]
    assert np.abs(ours.to_numpy() - np.array(ref["values"])).max() < 1e-6


def test_htmt_with_a_correlation_matrix_equals_htmt_on_the_data() -> None:
    data = pd.read_csv(FIX / "bfi_complete_data.csv")
    direct = htmt(data, BFI_MODEL).matrix
    given = htmt(None, BFI_MODEL, correlation=data.corr()).matrix
    assert np.abs(direct.to_numpy() - given.to_numpy()).max() < 1e-12


def test_htmt_correlation_errors() -> None:
    corr = pd.read_csv(FIX / "bfi_complete_data.csv").corr()
    with pytest.raises(SpecificationError, match="'O5'"):
        htmt(None, BFI_MODEL, correlation=corr.drop(index="O5", columns="O5"))
    with pytest.raises(SpecificationError, match="DataFrame"):
        htmt(None, BFI_MODEL, correlation=corr.to_numpy())  # type: ignore[arg-type]
