"""Shared fixtures of the model tests: the R reference values and the datasets exported by the R script."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "models"


@pytest.fixture(scope="session")
def r_values() -> dict:
    return json.loads((FIXTURES / "glm_fixtures.json").read_text())


@pytest.fixture(scope="session")
def datasets() -> dict[str, pd.DataFrame]:
    names = ["mtcars", "birthwt", "endometrial", "endometrial_pi3", "dyads"]
    return {name: pd.read_csv(FIXTURES / f"{name}.csv") for name in names}


@pytest.fixture(autouse=True)
def _quiet_analysis_warnings():
    # the warnings are checked explicitly where they matter (result.warnings); keep the output readable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
