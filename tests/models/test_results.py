"""Every result class of the models stage follows the result protocol (core.results.check_result).

In the manner of scikit-learn's ``parametrize_with_checks``: one case per result class and estimation path
(ML, cluster-robust ML, GEE, Firth, ML under separation; mediation; hypotheses). Rendering must not change a
result: the warnings are the same before and after building every table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from alliance_stats.core.results import Result, check_result
from alliance_stats.models import (
    Hypothesis,
    LogitSettings,
    MediationSettings,
    fit_logit,
    mediation,
    test_hypotheses,
)
from tests.models.simulated import simulate_firms

PREDICTORS = ["configuration", "firm_age"]
STATEMENT = {"fr": "L'entraide aide", "en": "Mutual aid helps"}


def _firms() -> Any:
    return simulate_firms(150, np.random.default_rng(21), model="M1")


def _ml() -> Result:
    return fit_logit(_firms(), "crossed", PREDICTORS)


def _clustered() -> Result:
    return fit_logit(_firms(), "crossed", PREDICTORS, cluster="dyad_id")


def _gee() -> Result:
    return fit_logit(_firms(), "crossed", PREDICTORS, cluster="dyad_id", settings=LogitSettings(gee=True))


def _firth() -> Result:
    return fit_logit(_firms(), "crossed", PREDICTORS, method="firth", settings=LogitSettings(conf_level=0.9))


def _separated() -> Result:
    df = _firms()
    df.loc[df["configuration"] == "entraide", "crossed"] = 1
    return fit_logit(df, "crossed", PREDICTORS, method="ml")


def _mediation() -> Result:
    df = _firms()
    df["LEARN"] = 0.5 * df["trust_shared"] + np.random.default_rng(3).normal(size=len(df))
    return mediation(df, "trust_shared", "LEARN", "crossed", cluster="dyad_id",
                     settings=MediationSettings(n_boot=200, seed=4))


def _hypotheses() -> Result:
    h = Hypothesis(id="H2", statement=STATEMENT, model="M1", term="configuration[entraide]")
    return test_hypotheses({"M1": _ml()}, [h])


CASES: dict[str, Callable[[], Result]] = {
    "logit-ml": _ml, "logit-cluster": _clustered, "logit-gee": _gee, "logit-firth": _firth,
    "logit-separated": _separated, "mediation": _mediation, "hypotheses": _hypotheses,
}


@pytest.mark.parametrize("make", list(CASES.values()), ids=list(CASES))
def test_result_protocol(make: Callable[[], Result]) -> None:
    result = make()
    before = result.warnings
    check_result(result)
    assert result.warnings == before  # rendering did not add a warning


def test_separation_warnings_are_found_when_the_model_is_fitted() -> None:
    result = _separated()
    assert any("average marginal effects" in w for w in result.warnings)
    assert any("predicted probabilities" in w for w in result.warnings)
    before = result.warnings
    result.marginal_effects()
    result.predict_by("configuration")
    assert result.warnings == before


def test_derived_statistics_are_computed_once() -> None:
    result = _ml()
    assert "coefficients" not in vars(result)  # lazy: not computed by the fit
    first = result.coefficients
    assert result.coefficients is first and result.lr_tests is result.lr_tests
    assert result.table("logit").key == "logit"
