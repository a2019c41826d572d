"""Report tables of CFAResult, HTMT, Fornell-Larcker and invariance results, in both languages."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.table import FORMAT_CODES, Table
from alliance_stats.measurement import cfa, fornell_larcker, htmt, invariance

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "measurement"
HS = pd.read_csv(FIXTURES / "holzinger_swineford_1939.csv")
MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


def _check(table: Table, lang: str) -> None:
    assert isinstance(table, Table) and table.lang == lang
    assert table.title and table.note
    assert all(code in FORMAT_CODES for code in table.formats.values())
    numeric = table.frame.select_dtypes("number")
    assert set(numeric.columns) <= set(table.formats), set(numeric.columns) - set(table.formats)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_cfa_tables(lang: str) -> None:
    res = cfa(HS, MODEL)
    tables = res.to_tables(lang)
    assert set(tables) == {"cfa_fit", "cfa_loadings", "cfa_reliability", "cfa_factor_corr"}
    for key, table in tables.items():
        assert table.key == key
        _check(table, lang)
    fit = tables["cfa_fit"].frame
    df_header = "ddl" if lang == "fr" else "df"
    assert fit["CFI"].iloc[0] == res.fit["cfi"] and fit[df_header].iloc[0] == 24
    assert fit["χ²"].iloc[0] == res.fit["chisq"] and "chi2" not in fit.columns
    loadings = tables["cfa_loadings"].frame
    assert len(loadings) == 9
    assert loadings.iloc[0].isna().sum() >= 1  # the marker has no SE
    rel = tables["cfa_reliability"].frame
    assert rel.shape == (3, 3)
    np.testing.assert_allclose(rel.iloc[:, 2], np.sqrt(res.reliability["ave"]))
    if lang == "fr":
        assert "Oméga" in rel.columns and "Facteur" in loadings.columns
    with pytest.raises(ValueError):
        res.to_tables("de")


def test_multigroup_tables_keep_the_group() -> None:
    res = cfa(HS, MODEL, group="school")
    tables = res.to_tables("en")
    assert "Group" in tables["cfa_loadings"].frame.columns
    assert tables["cfa_reliability"].frame.index.nlevels == 2
    assert res.loadings.columns[0] == "group" and len(res.loadings) == 18


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_validity_and_invariance_tables(lang: str) -> None:
    table = htmt(HS, MODEL).table("htmt", lang)
    _check(table, lang)
    assert table.key == "htmt" and np.isnan(table.frame.iloc[0, 2]) and table.frame.iloc[2, 0] > 0
    _check(fornell_larcker(cfa(HS, MODEL)).table("fornell_larcker", lang), lang)
    inv = invariance(HS, MODEL, "school")
    table = inv.table("invariance", lang)
    _check(table, lang)
    assert table.key == "invariance" and len(table.frame) == 3
    assert "school" in table.title
    assert inv.warnings == () and set(inv.fits) == {"configural", "metric", "scalar"}
