"""Convergent and discriminant validity: composite reliability (omega), AVE, Fornell-Larcker, HTMT.

- :func:`composite_reliability`: semTools 0.5-6 ``compRelSEM()`` with its defaults (``obs.var = TRUE``,
  ``tau.eq = FALSE``): for factor f with items I_f,
  ``omega_f = (sum_i lambda_if)^2 * psi_ff / (1' S_If 1)``, ``S`` the sample covariance matrix (divisor N;
  the EM estimate under FIML), so residual covariances enter through the observed variance of the sum
  score. ``AVE_f = sum_i lambda_if^2 * psi_ff / sum_i s_ii`` as semTools ``AVE()`` (``obs.var = TRUE``),
  undefined (NaN) when an item of f loads on another factor. Version matters: semTools 0.5-8 rewrote
  compRelSEM.
- :func:`fornell_larcker`: sqrt(AVE) on the diagonal, factor correlations off it (Fornell & Larcker 1981);
  discriminant validity holds for a factor when its sqrt(AVE) exceeds its correlations.
- :func:`htmt`: semTools 0.5-6 ``htmt()`` defaults (``absolute = TRUE``, ``htmt2 = TRUE``): with R the item
  correlations (listwise deletion), HTMT2_ij = geometric mean of |r| between the items of i and j divided
  by the square root of the product of the geometric means of |r| within i and within j (Roemer, Schuberth
  & Henseler 2021). Thresholds: < .85 (strict) or < .90 (Henseler, Ringle & Sarstedt 2015).

The results of :func:`htmt` and :func:`fornell_larcker` are DataFrames (subclasses adding ``to_table``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import check_lang
from alliance_stats.core.table import Table
from alliance_stats.measurement.syntax import MeasurementModel, parse_model

if TYPE_CHECKING:
    from alliance_stats.measurement.cfa import CFAResult

__all__ = ["composite_reliability", "htmt", "fornell_larcker", "HTMTMatrix", "FornellLarckerMatrix"]

_TEXT = {
    "htmt_title": {"en": "Heterotrait-monotrait ratios (HTMT2)", "fr": "Ratios hétérotrait-monotrait (HTMT2)"},
    "htmt_note": {
        "en": "HTMT2 as semTools 0.5-6 htmt() (geometric means of absolute item correlations). Discriminant "
              "validity: HTMT < .85 (strict) or < .90.",
        "fr": "HTMT2 comme htmt() de semTools 0.5-6 (moyennes géométriques des corrélations absolues entre "
              "items). Validité discriminante : HTMT < ,85 (strict) ou < ,90.",
    },
    "fl_title": {"en": "Fornell-Larcker criterion", "fr": "Critère de Fornell et Larcker"},
    "fl_note": {
        "en": "Diagonal: square root of the AVE; below: factor correlations. Discriminant validity holds when "
              "each diagonal value exceeds the correlations in its row and column.",
        "fr": "Diagonale : racine carrée de la VME ; dessous : corrélations entre facteurs. La validité "
              "discriminante est établie quand chaque valeur diagonale dépasse les corrélations de sa ligne "
              "et de sa colonne.",
    },
    "factor": {"en": "Factor", "fr": "Facteur"},
}


class _TableFrame(pd.DataFrame):
    """A DataFrame that knows how to become a report table."""

    _metadata = ["table_key"]
    _title_key = ""
    _note_key = ""

    @property
    def _constructor(self):  # noqa: ANN202 - pandas subclassing protocol
        return type(self)

    def to_table(self, lang: str = "en") -> Table:
        """Lower triangle with the diagonal, values as ``r2`` (APA, no leading zero)."""
        check_lang(lang)
        values = self.to_numpy(dtype=float).copy()
        values[np.triu_indices_from(values, k=1)] = np.nan
        frame = pd.DataFrame(values, index=pd.Index(self.index, name=_TEXT["factor"][lang]),
                             columns=list(self.columns))
        return Table(key=self.table_key, title=_TEXT[self._title_key][lang], frame=frame,
                     note=_TEXT[self._note_key][lang], formats={c: "r2" for c in frame.columns}, lang=lang)


class HTMTMatrix(_TableFrame):
    """Result of :func:`htmt`: a symmetric factor x factor DataFrame with ones on the diagonal."""

    _title_key = "htmt_title"
    _note_key = "htmt_note"


class FornellLarckerMatrix(_TableFrame):
    """Result of :func:`fornell_larcker`: sqrt(AVE) on the diagonal, factor correlations elsewhere."""

    _title_key = "fl_title"
    _note_key = "fl_note"


def composite_reliability(lam: np.ndarray, psi: np.ndarray, sample_cov: np.ndarray, items: tuple[str, ...]
                          | list[str], factors: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Omega (compRelSEM) and AVE per factor from one group's estimates.

    Parameters
    ----------
    lam
        Loadings (items x factors).
    psi
        Factor covariance matrix.
    sample_cov
        Sample covariance matrix of the items (divisor N, lavaan's ``sampstat``).
    items, factors
        Names of the rows/columns of ``lam``.

    Returns
    -------
    DataFrame indexed by factor with columns ``omega`` and ``ave``.

    Examples
    --------
    >>> import numpy as np
    >>> lam = np.array([[1.0], [0.8], [0.6]])
    >>> s = lam @ lam.T + np.diag([0.5, 0.5, 0.5])
    >>> composite_reliability(lam, np.eye(1), s, ["a", "b", "c"], ["f"]).round(4)
    ... # doctest: +NORMALIZE_WHITESPACE
            omega     ave
    factor
    f       0.7934  0.5714

    Reference: semTools 0.5-6 ``compRelSEM(obs.var = TRUE)`` and ``AVE(obs.var = TRUE)``.
    """
    nonzero = lam != 0
    cross = nonzero.sum(axis=1) > 1
    omega = []
    ave = []
    for f, _ in enumerate(factors):
        idx = np.flatnonzero(nonzero[:, f])
        if idx.size < 2:  # dropSingle = TRUE
            omega.append(np.nan)
            ave.append(np.nan)
            continue
        loadings = lam[idx, f]
        total = sample_cov[np.ix_(idx, idx)]
        omega.append(float(np.sum(np.outer(loadings, loadings)) * psi[f, f] / np.sum(total)))
        ave.append(np.nan if cross[idx].any() else float(np.sum(loadings**2) * psi[f, f] / np.trace(total)))
    return pd.DataFrame({"omega": omega, "ave": ave}, index=pd.Index(list(factors), name="factor"))


def fornell_larcker(cfa_result: CFAResult) -> FornellLarckerMatrix:
    """Fornell-Larcker matrix of a single-group CFA.

    Parameters
    ----------
    cfa_result
        Result of :func:`alliance_stats.measurement.cfa` without groups.

    Returns
    -------
    FornellLarckerMatrix
        factor x factor DataFrame: sqrt(AVE) on the diagonal, factor correlations off it.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement.cfa import cfa
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> fornell_larcker(res).round(3).loc["visual"].tolist()
    [0.609, 0.459, 0.471]

    Reference: Fornell & Larcker (1981), J. Marketing Research 18(1), 39-50; AVE as semTools 0.5-6.
    """
    if cfa_result.group is not None:
        raise SpecificationError(
            "fornell_larcker() needs a single-group CFA; this one has groups",
            fix="fit cfa() without group= (or once per group) and pass that result",
        )
    corr = cfa_result.factor_corr.to_numpy(dtype=float).copy()
    ave = cfa_result.reliability["ave"].reindex(cfa_result.factor_corr.index).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        np.fill_diagonal(corr, np.sqrt(ave))
    out = FornellLarckerMatrix(corr, index=cfa_result.factor_corr.index.copy(),
                               columns=list(cfa_result.factor_corr.columns))
    out.table_key = "fornell_larcker"
    return out


def htmt(data: pd.DataFrame, model: str | MeasurementModel, missing: str = "listwise") -> HTMTMatrix:
    """Heterotrait-monotrait ratio of correlations, as semTools 0.5-6 ``htmt()`` with its defaults.

    Parameters
    ----------
    data
        Item responses (not modified). Only the items of the model's ``=~`` lines are used.
    model
        lavaan syntax or a parsed model; ``~~`` lines are ignored, as semTools does.
    missing
        ``"listwise"`` (semTools' default): rows with a missing item are dropped.

    Returns
    -------
    HTMTMatrix
        factor x factor DataFrame, ones on the diagonal.

    Examples
    --------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> htmt(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9").round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
             visual  textual  speed
    factor
    visual    1.000    0.384  0.387
    textual   0.384    1.000  0.280
    speed     0.387    0.280  1.000

    Reference: semTools 0.5-6 ``htmt(model, data, missing = "listwise", absolute = TRUE, htmt2 = TRUE)``;
    Roemer, Schuberth & Henseler (2021), Industrial Management & Data Systems 121(12), 2637-2650.
    """
    if missing != "listwise":
        raise SpecificationError(f"missing={missing!r} is not available for htmt()", value=missing,
                                 fix="use missing='listwise' (semTools' default)")
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, got {type(data).__name__}",
                                 fix="pass the item responses as a DataFrame")
    parsed = model if isinstance(model, MeasurementModel) else parse_model(model, allow_cross_loadings=True)
    parsed.check_columns(data.columns)
    items = list(parsed.items)
    values = data[items].apply(pd.to_numeric, errors="coerce")
    for item in items:
        bad = data[item].notna() & values[item].isna()
        if bad.any():
            raise SpecificationError(f"item {item!r} is not numeric", column=item,
                                     value=data.loc[bad, item].iloc[0], line=parsed.line_of(item),
                                     fix="score the answers as numbers")
    complete = values.dropna().to_numpy(dtype=float)
    if complete.shape[0] < 3:
        raise SpecificationError(f"{complete.shape[0]} complete rows: HTMT needs correlations",
                                 fix="collect more responses")
    sd = complete.std(axis=0)
    for j, item in enumerate(items):
        if sd[j] == 0:
            raise SpecificationError(f"item {item!r} is constant: its correlations are undefined",
                                     column=item, line=parsed.line_of(item), fix="drop the item")
    r = np.abs(np.corrcoef(complete, rowvar=False))
    np.fill_diagonal(r, np.nan)
    position = {name: i for i, name in enumerate(items)}
    members = [[position[i] for i in parsed.items_of(f)] for f in parsed.factors]
    nf = len(parsed.factors)

    def geo_mean(a: list[int], b: list[int]) -> float:
        block = r[np.ix_(a, b)]
        block = block[~np.isnan(block)]
        with np.errstate(divide="ignore"):
            return float(np.exp(np.mean(np.log(block)))) if block.size else np.nan

    within = np.array([geo_mean(m, m) for m in members])
    for f, w in zip(parsed.factors, within, strict=True):
        if not np.isfinite(w) or w == 0:
            raise SpecificationError(
                f"factor {f!r}: the items are uncorrelated (a zero correlation), HTMT is undefined",
                line=parsed.factor_lines.get(f), fix="check the items of this factor")
    out = np.ones((nf, nf))
    for a in range(nf):
        for b in range(nf):
            if a != b:
                out[a, b] = geo_mean(members[a], members[b]) / np.sqrt(within[a] * within[b])
    result = HTMTMatrix(out, index=pd.Index(list(parsed.factors), name="factor"), columns=list(parsed.factors))
    result.table_key = "htmt"
    return result
