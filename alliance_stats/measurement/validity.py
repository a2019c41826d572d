"""Convergent and discriminant validity: composite reliability (omega), AVE, Fornell-Larcker, HTMT.

- :func:`composite_reliability` (re-exported from :mod:`alliance_stats.measurement.composite`): semTools
  0.5-6 ``compRelSEM()`` and ``AVE()``.
- :func:`fornell_larcker`: sqrt(AVE) on the diagonal, factor correlations off it (Fornell & Larcker 1981);
  discriminant validity holds for a factor when its sqrt(AVE) exceeds its correlations.
- :func:`htmt`: semTools 0.5-6 ``htmt()`` defaults (``absolute = TRUE``, ``htmt2 = TRUE``): with R the item
  correlations (listwise deletion), HTMT2_ij = geometric mean of |r| between the items of i and j divided
  by the square root of the product of the geometric means of |r| within i and within j (Roemer, Schuberth
  & Henseler 2021). Thresholds: < .85 (strict) or < .90 (Henseler, Ringle & Sarstedt 2015).

The results of :func:`htmt` and :func:`fornell_larcker` are frozen results holding the factor x factor
DataFrame in ``.matrix``. :func:`convergent_validity_warnings` and :func:`discriminant_validity_warnings` apply
the usual thresholds and return the messages the report lists. Hand-written because each is a few lines on the
CFA's estimates or the item correlations; the numbers are checked against semTools in ``tests/measurement``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table
from alliance_stats.measurement.composite import composite_reliability
from alliance_stats.measurement.syntax import MeasurementModel, parse_model

if TYPE_CHECKING:
    from alliance_stats.measurement.cfa.results import CFAResult

__all__ = ["composite_reliability", "htmt", "fornell_larcker", "HTMTMatrix", "FornellLarckerMatrix",
           "convergent_validity_warnings", "discriminant_validity_warnings"]


def _lower_table(matrix: pd.DataFrame, key: str, lang: str) -> Table:
    """Lower triangle with the diagonal, values as ``r2`` (APA, no leading zero)."""
    check_lang(lang)
    values = matrix.to_numpy(dtype=float).copy()
    values[np.triu_indices_from(values, k=1)] = np.nan
    frame = pd.DataFrame(values, index=pd.Index(matrix.index, name=tr("measurement.validity.factor", lang)),
                         columns=list(matrix.columns))
    return Table(key=key, title=tr(f"measurement.validity.{key}_title", lang), frame=frame,
                 note=tr(f"measurement.validity.{key}_note", lang), formats={c: "r2" for c in frame.columns},
                 lang=lang)


@dataclass(frozen=True)
class HTMTMatrix(Result):
    """Result of :func:`htmt`.

    Attributes
    ----------
    matrix
        Symmetric factor x factor DataFrame of HTMT2 ratios, ones on the diagonal.
    warnings
        Statistical warnings (none today; kept for the result protocol).
    """

    matrix: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``htmt``: the lower triangle with the diagonal."""
        return {"htmt": _lower_table(self.matrix, "htmt", lang)}


@dataclass(frozen=True)
class FornellLarckerMatrix(Result):
    """Result of :func:`fornell_larcker`.

    Attributes
    ----------
    matrix
        Factor x factor DataFrame: sqrt(AVE) on the diagonal, factor correlations off it.
    warnings
        Statistical warnings (none today; kept for the result protocol).
    """

    matrix: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``fornell_larcker``: the lower triangle with the diagonal."""
        return {"fornell_larcker": _lower_table(self.matrix, "fornell_larcker", lang)}


def fornell_larcker(cfa_result: CFAResult) -> FornellLarckerMatrix:
    """Fornell-Larcker matrix of a single-group CFA.

    Parameters
    ----------
    cfa_result
        Result of :func:`alliance_stats.measurement.cfa` without groups.

    Returns
    -------
    FornellLarckerMatrix
        ``.matrix``: factor x factor DataFrame, sqrt(AVE) on the diagonal, factor correlations off it.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement.cfa import cfa
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> fornell_larcker(res).matrix.round(3).loc["visual"].tolist()
    [0.609, 0.459, 0.471]

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables
    and measurement error. *Journal of Marketing Research*, 18(1), 39-50. AVE as semTools 0.5-6 ``AVE()``.
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
    return FornellLarckerMatrix(pd.DataFrame(corr, index=cfa_result.factor_corr.index.copy(),
                                             columns=list(cfa_result.factor_corr.columns)))


def htmt(data: pd.DataFrame | None, model: str | MeasurementModel, *, missing: str = "listwise",
         correlation: pd.DataFrame | None = None) -> HTMTMatrix:
    """Heterotrait-monotrait ratio of correlations, as semTools 0.5-6 ``htmt()`` with its defaults.

    Parameters
    ----------
    data
        Item responses (not modified). Only the items of the model's ``=~`` lines are used.
    model
        lavaan syntax or a parsed model; ``~~`` lines are ignored, as semTools does.
    missing
        ``"listwise"`` (semTools' default): rows with a missing item are dropped.
    correlation
        An item correlation matrix to use instead of the Pearson correlations of ``data`` (``data`` may then
        be ``None``), e.g. the polychoric matrix of :func:`alliance_stats.measurement.ordinal.polychoric` for
        the ordinal route; as semTools' ``htmt(model, sample.cov = R)``.

    Returns
    -------
    HTMTMatrix
        ``.matrix``: factor x factor DataFrame, ones on the diagonal.

    Examples
    --------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> htmt(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9").matrix.round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
             visual  textual  speed
    factor
    visual    1.000    0.384  0.387
    textual   0.384    1.000  0.280
    speed     0.387    0.280  1.000

    References
    ----------
    semTools 0.5-6 ``htmt(model, data, missing = "listwise", absolute = TRUE, htmt2 = TRUE)``.
    Roemer, E., Schuberth, F., & Henseler, J. (2021). HTMT2: an improved criterion for assessing discriminant
    validity in structural equation modeling. *Industrial Management & Data Systems*, 121(12), 2637-2650.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in
    variance-based structural equation modeling. *Journal of the Academy of Marketing Science*, 43, 115-135.
    """
    if missing != "listwise":
        raise SpecificationError(f"missing={missing!r} is not available for htmt()", value=missing,
                                 fix="use missing='listwise' (semTools' default)")
    if correlation is not None:
        parsed = model if isinstance(model, MeasurementModel) else parse_model(model, allow_cross_loadings=True)
        return _htmt_from_correlations(_given_correlations(correlation, list(parsed.items)), parsed)
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
    return _htmt_from_correlations(np.corrcoef(complete, rowvar=False), parsed)


def _given_correlations(correlation: pd.DataFrame, items: list[str]) -> np.ndarray:
    """The items' block of a user-given correlation matrix, checked."""
    if not isinstance(correlation, pd.DataFrame):
        raise SpecificationError(f"correlation must be a pandas DataFrame, got {type(correlation).__name__}",
                                 fix="pass an items x items DataFrame")
    absent = [i for i in items if i not in correlation.index or i not in correlation.columns]
    if absent:
        raise SpecificationError(f"item {absent[0]!r} is not in the correlation matrix", column=absent[0],
                                 fix="pass the correlations of every item of the model")
    r = correlation.loc[items, items].to_numpy(dtype=float)
    if not (np.all(np.isfinite(r)) and np.allclose(r, r.T)):
        raise SpecificationError("the correlation matrix is not finite and symmetric",
                                 fix="pass a correlation matrix")
    return r


def _htmt_from_correlations(corr: np.ndarray, parsed: MeasurementModel) -> HTMTMatrix:
    """HTMT2 from the items' correlation matrix (items in ``parsed.items`` order)."""
    items = list(parsed.items)
    r = np.abs(np.asarray(corr, dtype=float).copy())
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
    return HTMTMatrix(pd.DataFrame(out, index=pd.Index(list(parsed.factors), name="factor"),
                                   columns=list(parsed.factors)))


#: Usual thresholds of convergent validity: alpha and composite reliability >= .70, AVE >= .50.
CONVERGENT_CUTS: tuple[tuple[str, str, float], ...] = (("alpha", "alpha", 0.70), ("cr", "CR", 0.70),
                                                       ("ave", "AVE", 0.50))


def convergent_validity_warnings(code: str, row: Mapping[str, float]) -> list[str]:
    """Messages for a construct below the usual thresholds of convergent validity.

    Parameters
    ----------
    code
        The construct's name, first word of each message.
    row
        ``alpha``, ``cr`` and ``ave`` of the construct (a missing or NaN value is skipped).

    Returns
    -------
    list of str
        One message per figure below its threshold: alpha and CR >= .70, AVE >= .50.

    References
    ----------
    Nunnally, J. C. (1978). *Psychometric theory* (2nd ed.). McGraw-Hill.
    Fornell, C., & Larcker, D. F. (1981). *Journal of Marketing Research*, 18(1), 39-50.

    Examples
    --------
    >>> convergent_validity_warnings("LINK", {"alpha": 0.65, "cr": 0.81, "ave": 0.45})
    ['LINK: alpha = 0.65 is below .70', 'LINK: AVE = 0.45 is below .50']
    """
    messages = []
    for key, label, cut in CONVERGENT_CUTS:
        value = row.get(key)
        if value is not None and value == value and value < cut:
            messages.append(f"{code}: {label} = {value:.2f} is below {f'{cut:.2f}'.lstrip('0')}")
    return messages


def _matrix(value: FornellLarckerMatrix | HTMTMatrix | pd.DataFrame) -> pd.DataFrame:
    return value.matrix if isinstance(value, FornellLarckerMatrix | HTMTMatrix) else value


def discriminant_validity_warnings(fornell_larcker: FornellLarckerMatrix | pd.DataFrame,
                                   htmt: HTMTMatrix | pd.DataFrame, htmt_cut: float = 0.85) -> list[str]:
    """Messages for each pair of factors failing the Fornell-Larcker criterion or above the HTMT cut.

    Parameters
    ----------
    fornell_larcker
        Result of :func:`fornell_larcker` (or its matrix): sqrt(AVE) on the diagonal, correlations off it.
    htmt
        Result of :func:`htmt` (or its matrix).
    htmt_cut
        HTMT at or above which discriminant validity is doubtful (.85 strict, .90 lenient).

    Returns
    -------
    list of str
        Fornell-Larcker messages first (each factor of a pair whose correlation exceeds its sqrt(AVE)), then
        HTMT messages.

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). *Journal of Marketing Research*, 18(1), 39-50.
    Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). *Journal of the Academy of Marketing Science*, 43,
    115-135.

    Examples
    --------
    >>> fl = pd.DataFrame([[0.8, None], [0.85, 0.9]], index=["A", "B"], columns=["A", "B"])
    >>> ht = pd.DataFrame([[1, None], [0.5, 1]], index=["A", "B"], columns=["A", "B"])
    >>> discriminant_validity_warnings(fl, ht)
    ['Fornell-Larcker: the correlation of A and B (0.85) exceeds sqrt(AVE) of A (0.80)']
    """
    fl_frame, ht_frame = _matrix(fornell_larcker), _matrix(htmt)
    messages = []
    names = list(fl_frame.index)
    values = np.asarray(fl_frame, dtype=float)
    for i, a in enumerate(names):
        for j in range(i):
            b = names[j]
            r = values[i, j] if np.isfinite(values[i, j]) else values[j, i]
            low = [(name, values[k, k]) for name, k in ((b, j), (a, i)) if abs(r) > values[k, k]]
            for name, root in low:
                messages.append(f"Fornell-Larcker: the correlation of {b} and {a} ({abs(r):.2f}) exceeds "
                                f"sqrt(AVE) of {name} ({root:.2f})")
    ht = np.asarray(ht_frame, dtype=float)
    hnames = list(ht_frame.index)
    for i, a in enumerate(hnames):
        for j in range(i):
            value = ht[i, j] if np.isfinite(ht[i, j]) else ht[j, i]
            if value >= htmt_cut:
                messages.append(f"HTMT of {hnames[j]} and {a} is {value:.2f} (>= {htmt_cut:.2f}): discriminant "
                                "validity is doubtful")
    return messages
