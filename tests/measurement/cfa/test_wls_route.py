"""``cfa(..., estimator="WLSMV"|"DWLS"|"ULSMV")`` from the answers (polychoric statistics computed here) against
lavaan 0.6-14 on four data sets, including the bundled synthetic data (53 items, 11 factors, pairwise); the
report tables of the ordinal route; typed errors for bad ordinal input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement import cfa
from tests.measurement.cfa.wls_reference import FIT_KEYS, FIXTURES, compare_params, fit_differences, reference

ROOT = FIXTURES.parents[2]


def _data(name: str) -> pd.DataFrame:
    if name.startswith("bfi"):
        bfi = pd.read_csv(ROOT / "tests" / "fixtures" / "measurement" / "psych_bfi.csv")
        return bfi.dropna() if name == "bfi_complete" else bfi
    if name in ("simulated_skewed", "simulated_resid"):
        return pd.read_csv(FIXTURES / "simulated_skewed.csv")
    return pd.read_csv(ROOT / "tests" / "fixtures" / "measurement" / "synthetic_items.csv")


CASES = [("bfi_complete", "WLSMV"), ("bfi_complete", "ULSMV"), ("bfi_complete", "DWLS"), ("bfi_pairwise", "WLSMV"),
         ("simulated_skewed", "WLSMV"), ("simulated_skewed", "DWLS"), ("simulated_skewed", "ULSMV"),
         ("simulated_resid", "WLSMV"),
         pytest.param("synthetic_pairwise", "WLSMV", marks=pytest.mark.slow)]


@pytest.mark.parametrize(("name", "estimator"), CASES)
def test_cfa_from_the_answers_matches_lavaan(name, estimator):
    ref = reference(name)
    res = cfa(_data(name), ref["model"], estimator=estimator, missing=ref["missing"])
    assert res.converged and res.estimator == estimator and res.missing == ref["missing"]
    assert res.n_obs == {"all": ref["nobs"]}
    diffs = compare_params(res.params, name, estimator, ("est", "se", "std_all"))
    assert max(diffs.values()) < 1e-4, diffs
    fit = fit_differences(res.fit, name, estimator, FIT_KEYS)
    assert len(fit) >= (30 if estimator != "DWLS" else 15)
    assert max(fit.values()) < 1e-4, {k: v for k, v in fit.items() if v >= 1e-4}


def test_ordered_true_alone_asks_for_an_ordinal_estimator():
    d = _data("simulated_skewed")
    model = reference("simulated_skewed")["model"]
    with pytest.raises(SpecificationError, match="ordinal estimator"):
        cfa(d, model, ordered=True)
    a = cfa(d, model, ordered=True, estimator="WLSMV")
    b = cfa(d, model, ordered=[f"y{i}" for i in range(1, 9)], estimator="wlsmv")
    assert a.fit == b.fit
    with pytest.raises(SpecificationError, match="'y8' is not in ordered"):
        cfa(d, model, ordered=[f"y{i}" for i in range(1, 8)], estimator="WLSMV")
    with pytest.raises(SpecificationError, match="one group"):
        cfa(d.assign(g=np.arange(len(d)) % 2), model, estimator="WLSMV", group="g")
    with pytest.raises(SpecificationError, match="missing='fiml' is not available"):
        cfa(d, model, estimator="WLSMV", missing="fiml")


def test_tables_name_the_ordinal_route():
    res = cfa(_data("simulated_skewed"), reference("simulated_skewed")["model"], estimator="WLSMV")
    for lang in ("en", "fr"):
        tables = res.to_tables(lang)
        fit = tables["cfa_fit"]
        assert list(fit.frame.index) == ["DWLS", "WLSMV", "robust"]
        assert "WLSMV" in fit.note and ("polychori" in fit.note)
        assert "AIC" not in fit.frame.columns
        assert "Green" in tables["cfa_reliability"].note
    assert list(cfa(_data("simulated_skewed"), reference("simulated_skewed")["model"],
                    estimator="DWLS").to_tables()["cfa_fit"].frame.index) == ["DWLS"]
    assert res.reliability["omega"].between(0, 1).all()
    assert res.to_dict()["estimator"] == "WLSMV"


def test_bad_ordinal_input_names_item_and_value():
    d = _data("simulated_skewed").astype(float)
    model = reference("simulated_skewed")["model"]
    one = d.assign(y3=2.0)
    with pytest.raises(SpecificationError, match="'y3' has 1 observed category") as err:
        cfa(one, model, estimator="WLSMV")
    assert err.value.column == "y3"
    frac = d.copy()
    frac.loc[7, "y5"] = 2.5
    with pytest.raises(SpecificationError, match="'y5' has a code that is not a whole number") as err:
        cfa(frac, model, estimator="WLSMV")
    assert err.value.row == 8 and err.value.value == 2.5
    text = d.astype(object)
    text.loc[3, "y2"] = "often"
    with pytest.raises(SpecificationError, match="'y2' has a code that is not a whole number"):
        cfa(text, model, estimator="WLSMV")


def test_an_empty_category_in_a_group_is_named():
    from alliance_stats.measurement.cfa.ordinal import check_categories

    d = _data("simulated_skewed").assign(LANG=lambda x: np.where(np.arange(len(x)) < 250, "fr", "en"))
    check_categories(d, [f"y{i}" for i in range(1, 9)], "LANG")
    top = d["y6"].max()
    d.loc[(d["LANG"] == "en") & (d["y6"] == top), "y6"] = top - 1
    with pytest.raises(SpecificationError, match=f"item 'y6': category {int(top)} is empty in group 'en'") as err:
        check_categories(d, [f"y{i}" for i in range(1, 9)], "LANG")
    assert err.value.column == "y6" and err.value.value == int(top)


def test_a_just_identified_model_says_so():
    with pytest.warns(Warning, match="just-identified"):
        res = cfa(_data("simulated_skewed"), "F =~ y1 + y2 + y3", estimator="WLSMV")
    assert res.fit["df"] == 0 and res.fit["chisq"] == pytest.approx(0.0, abs=1e-10)
    assert any("just-identified" in w for w in res.warnings)


def test_reverse_coding_an_item_flips_its_loading_and_keeps_the_fit():
    d = _data("simulated_skewed")
    model = reference("simulated_skewed")["model"]
    base = cfa(d, model, estimator="WLSMV")
    rev = cfa(d.assign(y3=5 - d["y3"]), model, estimator="WLSMV")
    for key in ("chisq", "chisq.scaled", "cfi.robust", "rmsea.robust", "srmr"):
        assert rev.fit[key] == pytest.approx(base.fit[key], rel=1e-7, abs=1e-9)
    a, b = base.loadings.set_index("item"), rev.loadings.set_index("item")
    assert b.loc["y3", "std_est"] == pytest.approx(-a.loc["y3", "std_est"], abs=1e-7)
    assert b.loc["y3", "se"] == pytest.approx(a.loc["y3", "se"], abs=1e-7)


def test_the_order_of_respondents_does_not_matter():
    d = _data("simulated_skewed")
    model = reference("simulated_skewed")["model"]
    base = cfa(d, model, estimator="WLSMV")
    shuffled = cfa(d.sample(frac=1.0, random_state=3), model, estimator="WLSMV")
    np.testing.assert_allclose(shuffled.params["se"], base.params["se"], atol=1e-9)
    assert shuffled.fit["chisq.scaled"] == pytest.approx(base.fit["chisq.scaled"], rel=1e-9)
