"""Design matrices from declared names, and typed errors on bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.models import LogitSettings, build_design, fit_logit
from tests.models.simulated import simulate_firms


@pytest.fixture()
def firms() -> pd.DataFrame:
    return simulate_firms(120, np.random.default_rng(11), model="M1")


def test_treatment_coding_with_stated_reference(firms):
    design = build_design(firms, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"})
    assert design.columns == ["(Intercept)", "configuration[entraide]", "configuration[parrainage]",
                              "configuration[contre_nature]", "firm_age"]
    X = design.X
    survie = (firms["configuration"] == "survie").to_numpy()
    assert np.all(X.loc[survie, design.terms["configuration"]].to_numpy() == 0)
    assert np.all(X["configuration[entraide]"].to_numpy() == (firms["configuration"] == "entraide").to_numpy())
    assert design.factors["configuration"].reference == "survie"


def test_interaction_columns_are_products(firms):
    design = build_design(firms, "crossed", ["trust_shared", "trust_constrained"],
                          interactions=[("trust_shared", "trust_constrained")], standardize=["trust_shared"])
    X = design.X
    z = (firms["trust_shared"] - firms["trust_shared"].mean()) / firms["trust_shared"].std(ddof=1)
    np.testing.assert_allclose(X["trust_shared"], z)
    np.testing.assert_allclose(X["trust_shared:trust_constrained"], z * firms["trust_constrained"])


def test_inputs_are_not_modified(firms):
    before = firms.copy()
    firms.loc[3, "firm_age"] = np.nan
    before.loc[3, "firm_age"] = np.nan
    res = fit_logit(firms, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"},
                    cluster="dyad_id")
    res.marginal_effects()
    res.predict_by("configuration")
    pd.testing.assert_frame_equal(firms, before)


def test_missing_values_listwise_with_count(firms):
    df = firms.copy()
    df.loc[[0, 5, 9], "firm_age"] = np.nan
    df.loc[[5, 12], "crossed"] = np.nan
    res = fit_logit(df, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"})
    assert res.fit_stats["n"] == len(df) - 4
    assert res.fit_stats["n_dropped_missing"] == 4
    assert any("4 of" in w and "missing" in w for w in res.warnings)


@pytest.mark.parametrize(
    ("mutate", "kwargs", "needle"),
    [
        (lambda d: d.assign(crossed=d["crossed"] * 2), {}, "0/1"),
        (lambda d: d.assign(crossed=np.where(d.index == 4, 3, d["crossed"])), {}, "value 3"),
        (lambda d: d.assign(crossed=0), {}, "constant"),
        (lambda d: d.assign(firm_age=5.0), {}, "firm_age"),
        (lambda d: d.assign(firm_age=np.nan), {}, "missing for every row"),
        (lambda d: d[d["configuration"] != "parrainage"], {}, "parrainage"),
        (lambda d: d, {"categorical": {"configuration": "solidarite"}}, "solidarite"),
        (lambda d: d, {"predictors": ["configuration", "AGE"]}, "AGE"),
        (lambda d: d, {"categorical": {}}, "configuration"),
        (lambda d: d, {"interactions": [("configuration", "trust_shared")]}, "trust_shared"),
        (lambda d: d.assign(AWARE=1.0), {"predictors": ["configuration", "AWARE"]}, "AWARE"),
        (lambda d: d.assign(age2=d["firm_age"] * 2), {"predictors": ["configuration", "firm_age", "age2"]},
         "collinear"),
        (lambda d: d, {"cluster": "dyad"}, "dyad"),
        (lambda d: d, {"settings": LogitSettings(gee=True)}, "cluster"),
    ],
)
def test_bad_input_raises_typed_error_naming_it(firms, mutate, kwargs, needle):
    df = mutate(firms.copy())
    args = {"predictors": ["configuration", "firm_age"], "categorical": {"configuration": "survie"}}
    args.update(kwargs)
    with pytest.raises(SpecificationError) as info:
        fit_logit(df, "crossed", **args)
    assert needle in str(info.value)


def test_single_level_categorical_is_reported_as_constant_whatever_the_reference():
    df = pd.DataFrame({"y": [0, 1] * 10, "sector": ["1"] * 20, "x": np.arange(20.0)})
    for reference in (None, "1", "2"):
        with pytest.raises(SpecificationError, match="single level") as info:
            fit_logit(df, "y", ["sector", "x"], categorical={"sector": reference})
        assert info.value.column == "sector" and info.value.fix == "remove it from the model"


def test_missing_reference_level_says_so_and_lists_the_levels():
    df = pd.DataFrame({"y": [0, 1] * 10, "sector": list("ab") * 10, "x": np.arange(20.0)})
    with pytest.raises(SpecificationError, match="no reference level") as info:
        fit_logit(df, "y", ["sector", "x"], categorical={"sector": None})
    assert info.value.column == "sector" and "a, b" in info.value.fix


@pytest.mark.parametrize(
    ("outcome", "predictors", "kwargs"),
    [
        ("y", [], {}),
        ("y", ["x", "y"], {}),
        ("y", ["g", "x"], {"categorical": {"g": "a"}, "settings": LogitSettings(standardize=("g",))}),
        ("z", ["x"], {}),
    ],
)
def test_specification_errors_carry_a_column_and_a_fix(outcome, predictors, kwargs):
    df = pd.DataFrame({"y": [0, 1] * 10, "z": np.nan, "g": list("ab") * 10, "x": np.arange(20.0) % 7})
    with pytest.raises(SpecificationError) as info:
        fit_logit(df, outcome, predictors, **kwargs)
    assert info.value.column is not None and info.value.fix


def test_empty_level_of_a_declared_categorical():
    df = pd.DataFrame({"y": [0, 1] * 10, "sector": pd.Categorical(["a", "b"] * 10, categories=["a", "b", "c"]),
                       "x": np.arange(20.0)})
    with pytest.raises(SpecificationError, match="'c'"):
        fit_logit(df, "y", ["sector", "x"], categorical={"sector": "a"})


def test_numeric_coded_categorical_levels():
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"y": rng.integers(0, 2, 200), "sector": rng.integers(1, 4, 200).astype(float)})
    df.loc[0, "sector"] = np.nan
    res = fit_logit(df, "y", ["sector"], categorical={"sector": 2})
    assert list(res.coefficients.index) == ["(Intercept)", "sector[1]", "sector[3]"]


def test_matrix_codes_each_value_as_its_level_text():
    """Design.matrix (counterfactuals, the power analysis's template) gives a factor's dummy 1 exactly where the
    value's level text (``2.0`` -> ``"2"``) is the level's, 0 for another level, an unknown value or a missing one
    (level_text taken once per distinct value)."""
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"y": rng.integers(0, 2, 60).astype(float), "sector": rng.integers(1, 4, 60).astype(float),
                       "x": rng.normal(size=60)})
    design = build_design(df, "y", ["sector", "x"], categorical={"sector": 1})
    other = pd.DataFrame({"sector": pd.Series([2.0, "2", 3, "3.0", 7.0, None, np.nan, 1.0], dtype=object),
                          "x": np.arange(8.0)})
    X = design.matrix(other)
    columns = list(design.X.columns)
    np.testing.assert_array_equal(X[:, columns.index("sector[2]")], [1, 1, 0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(X[:, columns.index("sector[3]")], [0, 0, 1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(X[:, columns.index("x")], np.arange(8.0))
