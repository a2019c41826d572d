"""Bad input to cfa()/htmt()/invariance(): typed errors naming the item or line, warnings for statistical
trouble (non-convergence, Heywood cases, non-positive-definite matrices), never a silent NaN."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import (
    AnalysisWarning,
    ConvergenceWarning,
    DataQualityWarning,
    HeywoodWarning,
    SparseDataWarning,
    SpecificationError,
)
from alliance_stats.measurement import cfa, fornell_larcker, htmt, invariance
from alliance_stats.measurement.cfa import engine
from alliance_stats.measurement.syntax import parse_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def hs() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "holzinger_swineford_1939.csv")


def _data_with_correlation(corr: np.ndarray, n: int, names: list[str], seed: int = 1) -> pd.DataFrame:
    """Data whose sample correlation matrix (divisor N) is exactly ``corr``."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, corr.shape[0]))
    z -= z.mean(axis=0)
    z = z @ np.linalg.inv(np.linalg.cholesky(z.T @ z / n)).T
    return pd.DataFrame(z @ np.linalg.cholesky(corr).T, columns=names)


def test_missing_column_names_the_line(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError) as info:
        cfa(hs, "visual =~ x1 + x2 + x3\nspeed =~ x7 + x8 + x10")
    assert info.value.line == 2 and info.value.column == "x10"


def test_invalid_syntax_names_the_line(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError) as info:
        cfa(hs, "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed ~ visual")
    assert info.value.line == 3


def test_constant_item_is_named(hs: pd.DataFrame) -> None:
    data = hs.assign(x5=3.0)
    with pytest.raises(SpecificationError) as info:
        cfa(data, HS_MODEL)
    assert info.value.column == "x5" and info.value.line == 2
    assert "constant" in str(info.value)


@pytest.mark.parametrize("missing", ["listwise", "fiml"])
def test_constant_item_whose_sd_does_not_round_to_zero_is_named(hs: pd.DataFrame, missing: str) -> None:
    # 301 answers of 0.1: their mean is 0.1 + 1 ulp, so the SD is ~1e-17, not 0 (main raised numpy's LinAlgError)
    data = hs.assign(x4=0.1)
    assert np.std(data["x4"].to_numpy()) > 0
    with pytest.raises(SpecificationError) as info:
        cfa(data, HS_MODEL, missing=missing)
    assert info.value.column == "x4" and info.value.value == 0.1 and "constant" in str(info.value)


def test_text_column_names_row_and_value(hs: pd.DataFrame) -> None:
    data = hs.astype({"x2": object})
    data.loc[4, "x2"] = "n/a"
    with pytest.raises(SpecificationError) as info:
        cfa(data, HS_MODEL)
    assert info.value.column == "x2" and info.value.row == 5 and info.value.value == "n/a"


def test_numbers_stored_as_text_are_accepted(hs: pd.DataFrame) -> None:
    data = hs.astype({"x2": str})
    assert cfa(data, HS_MODEL).fit["chisq"] == pytest.approx(cfa(hs, HS_MODEL).fit["chisq"], rel=1e-12)


def test_singular_covariance_names_the_dependent_items(hs: pd.DataFrame) -> None:
    data = hs.assign(x10=hs["x1"] + hs["x2"])
    with pytest.raises(SpecificationError) as info:
        cfa(data, "visual =~ x1 + x2 + x3 + x10\ntextual =~ x4 + x5 + x6")
    text = str(info.value)
    assert "singular" in text and "x10" in text and "x1" in text and "x2" in text


def test_too_few_observations(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError) as info:
        cfa(hs.head(8), HS_MODEL)
    assert "8 complete observations" in str(info.value)
    with pytest.raises(SpecificationError):
        cfa(hs.head(1), HS_MODEL)


def test_small_sample_warns(hs: pd.DataFrame) -> None:
    with pytest.warns(SparseDataWarning), warnings.catch_warnings():
        warnings.simplefilter("ignore", HeywoodWarning)  # this subsample also has a Heywood case
        res = cfa(hs.head(60), HS_MODEL)
    assert any("per parameter" in w for w in res.warnings)


def test_underidentified_model_is_refused(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError) as info:
        cfa(hs, "f =~ x1 + x2")
    assert "not identified" in str(info.value)
    with pytest.raises(SpecificationError) as info:  # marker freed without fixing the factor variance
        cfa(hs, "f =~ NA*x1 + x2 + x3 + x4")
    assert "not identified" in str(info.value) and "f=~x" in str(info.value)


def test_bad_options(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, estimator="WLSMV")
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, missing="pairwise")
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, group="nope")
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, group="x1")
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, group_equal=("loadings",))
    with pytest.raises(SpecificationError):
        cfa(hs, HS_MODEL, group="school", group_equal=("slopes",))
    with pytest.raises(SpecificationError):
        cfa(hs.assign(one="a"), HS_MODEL, group="one")
    with pytest.raises(SpecificationError):
        cfa(hs.to_numpy(), HS_MODEL)  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore:the model is just-identified")
def test_heywood_case_warns_and_is_reported() -> None:
    # one factor, three items with r12 = r13 = .8 and r23 = .55: lambda1^2 = .8 * .8 / .55 > 1
    corr = np.array([[1.0, 0.8, 0.8], [0.8, 1.0, 0.55], [0.8, 0.55, 1.0]])
    data = _data_with_correlation(corr, 300, ["a", "b", "c"])
    with pytest.warns(HeywoodWarning):
        res = cfa(data, "f =~ a + b + c")
    assert any("residual variance of item 'a' is negative" in w for w in res.warnings)
    assert any("standardized loading of 'a'" in w for w in res.warnings)
    assert res.loadings.loc[0, "std_est"] > 1


def test_non_positive_definite_factor_covariance_warns() -> None:
    block = 0.5 * np.ones((3, 3)) + 0.5 * np.eye(3)
    corr = np.block([[block, 0.6 * np.ones((3, 3))], [0.6 * np.ones((3, 3)), block]])
    data = _data_with_correlation(corr, 400, ["a1", "a2", "a3", "b1", "b2", "b3"])
    with pytest.warns(HeywoodWarning):
        res = cfa(data, "fa =~ a1 + a2 + a3\nfb =~ b1 + b2 + b3")
    assert res.factor_corr.loc["fa", "fb"] == pytest.approx(1.2, abs=1e-6)
    assert any("factors is not positive definite" in w for w in res.warnings)


def test_non_convergence_warns(hs: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "fit", lambda model, start: engine.fisher_scoring(model, start, max_iter=1))
    with pytest.warns(ConvergenceWarning):
        res = cfa(hs, HS_MODEL)
    assert not res.converged
    assert any("did not converge" in w for w in res.warnings)


def test_fallback_optimizer_recovers_from_a_failed_start(hs: pd.DataFrame,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    model = engine.CFAModel(engine.build_parameter_table(parse_model(HS_MODEL), 1, False),
                            [engine.group_data_complete("all", hs[[f"x{i}" for i in range(1, 10)]].to_numpy(float))])
    start = model.start_values()
    assert not engine.fisher_scoring(model, start, max_iter=2).converged
    original = engine.fisher_scoring
    calls = []

    def first_call_fails(m: engine.CFAModel, s: np.ndarray, max_iter: int = 500) -> engine.FitOutcome:
        calls.append(1)
        return original(m, s, max_iter=2 if len(calls) == 1 else max_iter)

    monkeypatch.setattr(engine, "fisher_scoring", first_call_fails)
    outcome = engine.fit(model, start)
    assert outcome.converged and len(calls) == 2
    assert -0.5 * outcome.minus2logl == pytest.approx(-3737.745, abs=1e-3)  # lavaan's logl


def test_mixed_sign_loadings_warn() -> None:
    data = pd.read_csv(FIXTURES / "bfi_acn.csv")
    with pytest.warns(DataQualityWarning):
        res = cfa(data, "consc =~ C1 + C2 + C3 + C4 + C5")
    assert any("both signs" in w and "C4, C5" in w for w in res.warnings)


def test_fiml_drops_empty_rows_with_a_warning(hs: pd.DataFrame) -> None:
    data = hs.copy()
    data.loc[:4, [f"x{i}" for i in range(1, 10)]] = np.nan
    with pytest.warns(DataQualityWarning):
        res = cfa(data, HS_MODEL, missing="fiml")
    assert res.n_dropped == 5 and res.fit["ntotal"] == len(hs) - 5
    listwise = cfa(hs.iloc[5:], HS_MODEL)
    # no other missing value: FIML equals ML on the complete rows (with a saturated mean structure)
    for key in ("chisq", "df", "cfi", "tli", "rmsea", "logl", "unrestricted.logl"):
        assert res.fit[key] == pytest.approx(listwise.fit[key], rel=1e-6, abs=1e-8), key


def test_htmt_errors(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError) as info:
        htmt(hs, "visual =~ x1 + x2 + x3\nspeed =~ x7 + x8 + x99")
    assert info.value.line == 2
    with pytest.raises(SpecificationError):
        htmt(hs.assign(x2=1.0), HS_MODEL)
    with pytest.raises(SpecificationError):
        htmt(hs, HS_MODEL, missing="pairwise")


def test_fornell_larcker_refuses_groups(hs: pd.DataFrame) -> None:
    res = cfa(hs, HS_MODEL, group="school")
    with pytest.raises(SpecificationError):
        fornell_larcker(res)


def test_invariance_bad_steps(hs: pd.DataFrame) -> None:
    with pytest.raises(SpecificationError):
        invariance(hs, HS_MODEL, "school", steps=("metric", "configural"))
    with pytest.raises(SpecificationError):
        invariance(hs, HS_MODEL, "school", steps=("partial",))


def test_warnings_are_not_raised_on_a_clean_fit(hs: pd.DataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cfa(hs, HS_MODEL)
    assert res.warnings == ()


def test_just_identified_model_warns(hs: pd.DataFrame) -> None:
    with pytest.warns(AnalysisWarning):
        res = cfa(hs, "f =~ x1 + x2 + x3")
    assert res.fit["df"] == 0 and res.fit["chisq"] == pytest.approx(0.0, abs=1e-8)
    assert res.fit["cfi"] == 1.0 and res.fit["rmsea"] == 0.0
    assert any("just-identified" in w for w in res.warnings)
