"""Careless-responding indices per respondent and exclusion rules.

Indices (conventions of R's careless 1.2.2, Yentes & Wilhelm; Curran 2016; Meade & Craig 2012), computed over
the construct items (``instrument.likert_items()``) in questionnaire order. Declared missing codes (99 =
"don't know"), out-of-scale codes and stray text count as missing answers.

``longstring``
    Longest run of identical consecutive answers (careless::longstring: ``max(rle(x)$lengths)``). A missing
    answer breaks a run, as in careless (R's ``rle`` never joins NAs). A respondent with no answer gets NaN
    (careless returns 1).
``irv``
    Intra-individual response variability: the standard deviation (n - 1 denominator) of the respondent's
    answered items (careless::irv with ``na.rm = TRUE``; Dunn et al. 2018). Low values = little variability.
``mahalanobis_d2``, ``mahalanobis_p``
    Mahalanobis D2 as psych::outlier 2.2.9 computes it (careless::mahad calls it): items centred on their
    column means, covariance from pairwise-complete observations (``cov(x, use = "pairwise")``), and missing
    answers contribute a deviation of 0 (the quadratic form is summed over the answered items only, which
    amounts to mean imputation). p = P(chi2 > D2) with df = number of items, as the brief and Meade & Craig
    (2012) state. Note: careless::mahad's ``flag`` cut uses ``qchisq(confidence, length(D))`` (df = number of
    *respondents*); we use the number of items. D2 is NaN (with a :class:`DataQualityWarning`) when there are
    not more respondents than items or the covariance matrix is singular.
``evenodd``
    Even-odd consistency (Johnson 2005): within each construct, the mean of the items in odd positions and the
    mean of those in even positions (reverse-keyed items reversed first, so both halves point the same way);
    the respondent's correlation between odd-half and even-half means across constructs (pairwise complete),
    Spearman-Brown corrected ``2r / (1 + r)`` and bounded below at -1. High = consistent. careless::evenodd
    (since 1.2.0) returns the *negative* of this value (so that high = careless); we keep Johnson's sign.
``attention_failed``
    The instructed-response item(s) (``attention_expected``) answered with another code; NA when unanswered.
``missing_share``
    Share of construct items not answered (missing, declared missing, invalid).

Why hand-written: careless is not packaged in Debian (``apt-cache policy r-cran-careless`` is empty) and has no
Python port we can depend on; each index is a few lines. The fixture script
``tests/fixtures/data/make_fixtures_careless.R`` recomputes them in R on ``psych::bfi`` (longstring with
``rle``, irv with ``sd``, D2 with ``psych::outlier``, even-odd from its definition) and the tests compare to
1e-10.

Example
-------
>>> import numpy as np
>>> longstring(np.array([[1, 1, 2, 2, 2, np.nan, 2]]))
array([3.])
>>> irv(np.array([[1.0, 3.0, 5.0]]))
array([2.])

Reference: careless 1.2.2 (CRAN, Yentes & Wilhelm 2023); psych 2.2.9 ``outlier``; Johnson, J. A. (2005),
J. Research in Personality 39, 103-129; Meade, A. W. & Craig, S. B. (2012), Psychological Methods 17, 437-455;
Curran, P. G. (2016), J. Experimental Social Psychology 66, 4-19; Dunn, A. M. et al. (2018), J. Business and
Psychology 33, 105-121.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from scipy import special, stats

from alliance_stats.core.errors import DataQualityWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.instrument import Instrument

if TYPE_CHECKING:

    from alliance_stats.instrument import Instrument

__all__ = [
    "longstring",
    "irv",
    "mahalanobis_d2",
    "evenodd",
    "item_matrix",
    "careless_flags",
    "ExclusionRules",
    "screening_rules",
    "apply_exclusions",
    "careless_exclusions",
]


# ------------------------------------------------------------------------------------------ the indices


def longstring(x: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Longest run of identical consecutive answers per row (careless::longstring; NaN breaks a run).

    Parameters
    ----------
    x
        Respondents x items, numeric, NaN for missing.

    Returns
    -------
    numpy.ndarray
        One float per row (NaN when the row has no answer).

    References
    ----------
    careless 1.2.2 ``longstring`` (Yentes & Wilhelm 2023); Curran, P. G. (2016), J. Experimental Social Psychology
    66, 4-19.

    Examples
    --------
    >>> longstring(np.array([[4, 4, 4, 1], [np.nan, np.nan, 2, 2]]))
    array([3., 2.])
    """
    arr = np.asarray(x, dtype=float)
    if arr.shape[1] == 0:
        return np.full(arr.shape[0], np.nan)
    from alliance_stats.data.kernels import longstring_runs

    return longstring_runs(arr)


def irv(x: np.ndarray | pd.DataFrame) -> np.ndarray:
    """Intra-individual response variability: per-row SD of the answered items (n - 1; careless::irv).

    Parameters
    ----------
    x
        Respondents x items, numeric, NaN for missing.

    Returns
    -------
    numpy.ndarray
        One float per row (NaN with fewer than two answers).

    References
    ----------
    careless 1.2.2 ``irv``; Dunn, A. M. et al. (2018), J. Business and Psychology 33, 105-121.

    Examples
    --------
    >>> irv(np.array([[2.0, 2.0, 2.0], [1.0, np.nan, 3.0]])).round(4).tolist()
    [0.0, 1.4142]
    """
    arr = np.asarray(x, dtype=float)
    n = (~np.isnan(arr)).sum(axis=1)
    out = np.full(arr.shape[0], np.nan)
    ok = n >= 2
    if ok.any():
        out[ok] = np.nanstd(arr[ok], axis=1, ddof=1)
    return out


def mahalanobis_d2(x: np.ndarray | pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Mahalanobis D2 of each row as psych::outlier 2.2.9 computes it (missing answers contribute 0).

    Parameters
    ----------
    x
        Respondents x items, numeric, NaN for missing; the covariance is pairwise-complete.

    Returns
    -------
    (d2, notes)
        ``d2`` one float per row (NaN when it cannot be computed), ``notes`` why not (empty when fine).

    References
    ----------
    psych 2.2.9 ``outlier`` (Revelle); careless 1.2.2 ``mahad``; Meade & Craig (2012), Psychological Methods 17,
    437-455.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> d2, notes = mahalanobis_d2(rng.normal(size=(200, 3)))
    >>> round(float(d2.mean()), 1), notes  # about the number of items
    (3.0, [])
    """
    arr = np.asarray(x, dtype=float)
    d2, notes = mahalanobis_d2_stack(arr[None])
    return d2[0], notes[0]


def mahalanobis_d2_stack(x: np.ndarray) -> tuple[np.ndarray, list[list[str]]]:
    """:func:`mahalanobis_d2` of each data set of a stack ``(R, n, p)`` (every step batched over the stack).

    Parameters
    ----------
    x
        ``R`` data sets of ``n`` respondents x ``p`` items, NaN for missing.

    Returns
    -------
    (d2, notes)
        ``d2`` ``(R, n)``, row ``r`` equal to ``mahalanobis_d2(x[r])[0]``; ``notes[r]`` its notes.

    References
    ----------
    psych 2.2.9 ``outlier`` (Revelle); careless 1.2.2 ``mahad``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=(2, 50, 3))
    >>> d2, notes = mahalanobis_d2_stack(x)
    >>> bool(np.allclose(d2[1], mahalanobis_d2(x[1])[0], rtol=1e-12)), notes
    (True, [[], []])
    """
    from alliance_stats.data.pairwise_cov import centred_cov

    arr = np.asarray(x, dtype=float)
    R, n, p = arr.shape
    out = np.full((R, n), np.nan)
    if n <= p:
        return out, [[f"Mahalanobis D2 not computed: {n} respondents for {p} items (it needs more respondents "
                      "than items)"] for _ in range(R)]
    centred, observed, cov = centred_cov(arr)
    notes: list[list[str]] = [[] for _ in range(R)]
    usable = ~np.isnan(cov).any(axis=(1, 2))
    for r in np.flatnonzero(~usable):
        notes[r].append("Mahalanobis D2 not computed: some pairs of items are never answered together")
    if usable.all():  # (the usual case: no copies in and out of the stack)
        inverse = _stack_inverse(cov)
    else:
        inverse = np.full((R, p, p), np.nan)
        if usable.any():
            inverse[usable] = _stack_inverse(cov[usable])
    # the eigenvalues (the singular and indefinite tests) only where they are not certainly fine: a matrix with a
    # Cholesky factor and 1 / trace(inverse) (at most its smallest eigenvalue) above 1e-7 trace (at least its
    # largest), a thousand times the singularity cut, is positive definite and far from singular
    clear = usable & _clearly_definite(cov, inverse, usable)
    eigen = np.full((R, p), 1.0)
    check = usable & ~clear
    if check.any():
        eigen[check] = np.linalg.eigvalsh(cov[check])
    size = np.abs(eigen)
    singular = check & (size.min(axis=1, initial=np.inf) <= 1e-10 * np.maximum(size.max(axis=1, initial=0.0),
                                                                                1e-300))
    indefinite = check & ~singular & (eigen.min(axis=1, initial=np.inf) < 0)
    for r in np.flatnonzero(singular | indefinite):
        complete = int(observed[r].all(axis=1).sum())
        notes[r].append(f"Mahalanobis D2 not computed: the item covariance matrix is singular ({complete} "
                        f"complete respondents for {p} items; constant or collinear items?)" if singular[r] else
                        # pairwise-complete covariances need not be positive definite; psych::outlier goes on
                        "Mahalanobis D2: the pairwise-complete item covariance matrix is not positive definite "
                        f"(missing answers; {complete} complete respondents for {p} items): D2 computed as "
                        "psych::outlier does, but treat it with caution")
    good = usable & ~singular
    if good.any():
        part = centred if good.all() else centred[good]
        # quadratic forms: the product by BLAS (5x einsum), then one einsum pass for the row sums (numpy's
        # product and sum: 1.6x its time)
        d2 = np.einsum("rij,rij->ri", part @ inverse[good], part)
        d2[~(observed if good.all() else observed[good]).any(axis=2)] = np.nan  # careless::mahad: no answer, NA
        out[good] = d2
    return out, notes


def _stack_inverse(cov: np.ndarray) -> np.ndarray:
    """Inverses of a stack of matrices, NaN for a singular one (its D2 is not computed)."""
    try:
        return np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        out = np.full_like(cov, np.nan)
        for r in range(len(cov)):
            try:
                out[r] = np.linalg.inv(cov[r])
            except np.linalg.LinAlgError:
                continue
        return out


def _clearly_definite(cov: np.ndarray, inverse: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """Which covariance matrices are certainly positive definite and far from singular (see the caller)."""
    clear = usable & np.isfinite(inverse).all(axis=(1, 2))
    trace_inverse = np.trace(inverse, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        clear &= 1.0 / trace_inverse > 1e-7 * np.trace(cov, axis1=1, axis2=2)
    try:  # the Cholesky factors only of the matrices the trace test leaves (small samples: few)
        np.linalg.cholesky(cov[clear])
    except np.linalg.LinAlgError:  # one of them is not positive definite: find which
        for r in np.flatnonzero(clear):
            try:
                np.linalg.cholesky(cov[r])
            except np.linalg.LinAlgError:
                clear[r] = False
    return clear


def evenodd(x: np.ndarray | pd.DataFrame, factors: Sequence[int]) -> np.ndarray:
    """Even-odd consistency per row (Johnson 2005), Spearman-Brown corrected; high = consistent.

    Parameters
    ----------
    x
        Respondents x items, the items of each factor contiguous, scored in the same direction.
    factors
        Number of items of each factor, in column order (like careless::evenodd's ``factors``).

    Returns
    -------
    numpy.ndarray
        ``2r / (1 + r)`` bounded below at -1, where r is the correlation across factors between the means of
        the odd-position and even-position items; NaN when fewer than two factors have both halves or a half
        has no variance. careless::evenodd 1.2.2 returns the negative of this value.

    References
    ----------
    Johnson, J. A. (2005), J. Research in Personality 39, 103-129; careless 1.2.2 ``evenodd``.

    Examples
    --------
    >>> x = np.array([[1, 1, 1, 4, 4, 4, 7, 7, 7.0], [1, 7, 1, 7, 1, 7, 1, 7, 4.0]])
    >>> evenodd(x, [3, 3, 3]).round(3).tolist()
    [1.0, -1.0]
    """
    arr = np.asarray(x, dtype=float)
    if sum(factors) != arr.shape[1]:
        raise SpecificationError(f"factors sum to {sum(factors)} but x has {arr.shape[1]} columns")
    if len(factors) < 2:
        raise SpecificationError("even-odd consistency needs at least two factors")
    odd = np.full((arr.shape[0], len(factors)), np.nan)
    even = np.full_like(odd, np.nan)
    start = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f, size in enumerate(factors):
            block = arr[:, start : start + size]
            odd[:, f] = np.nanmean(block[:, 0::2], axis=1)
            if size > 1:
                even[:, f] = np.nanmean(block[:, 1::2], axis=1)
            start += size
    # per respondent: Pearson correlation across the factors where both halves exist (vectorised over rows)
    both = ~np.isnan(odd) & ~np.isnan(even)
    count = both.sum(axis=1)
    a = np.where(both, odd, 0.0)
    b = np.where(both, even, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        da = np.where(both, a - a.sum(axis=1, keepdims=True) / count[:, None], 0.0)
        db = np.where(both, b - b.sum(axis=1, keepdims=True) / count[:, None], 0.0)
        va, vb = (da * da).sum(axis=1), (db * db).sum(axis=1)
        r = (da * db).sum(axis=1) / np.sqrt(va * vb)
        sb = np.where(r > -1, 2 * r / (1 + r), -1.0)
    out = np.maximum(sb, -1.0)
    return np.where((count >= 2) & (va > 0) & (vb > 0), out, np.nan)


# --------------------------------------------------------------------------------- frames and flags


def item_matrix(df: pd.DataFrame, instrument: Instrument, *, reverse: bool = False) -> pd.DataFrame:
    """The construct items as floats (declared missing, out-of-scale and text -> NaN), questionnaire order.

    Parameters
    ----------
    df
        Responses in the canonical layout; not modified.
    instrument
        The survey instrument (items, scales, reverse keys).
    reverse
        Score reverse-keyed items as ``(min + max) - x``.

    Returns
    -------
    pandas.DataFrame
        One column per construct item present in ``df`` (items absent are left out), a ``RangeIndex``.

    References
    ----------
    careless 1.2.2 (indices computed on the raw answers; even-odd on the keyed answers).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> item_matrix(pd.DataFrame({"LINK_1": [4, 99, "x"]}), inst)["LINK_1"].tolist()
    [4.0, nan, nan]
    """
    columns: dict[str, pd.Series] = {}
    for var in instrument.likert_items():
        if var.name not in df.columns:
            continue
        scale = instrument.scales[var.scale or ""]
        values = pd.to_numeric(df[var.name], errors="coerce").astype(float)
        valid = values.isin([float(p) for p in scale.points])
        values = values.where(valid)
        if reverse and var.reverse:
            values = (scale.min + scale.max) - values
        columns[var.name] = values.reset_index(drop=True)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(df)))


def _respondent_index(df: pd.DataFrame) -> pd.Index:
    if "resp_id" in df.columns:
        return pd.Index(df["resp_id"].astype("str").to_numpy(), name="resp_id")
    return pd.RangeIndex(1, len(df) + 1, name="row")


def careless_flags(df: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """Careless-responding indices per respondent (see the module docstring for each definition).

    Parameters
    ----------
    df
        Responses in the canonical layout (:func:`read_responses`); not modified.
    instrument
        The survey instrument (default: the bundled one).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``resp_id`` (or by the 1-based row when there is none), in the rows' order, with columns
        ``row`` (1-based data row), ``n_answered``, ``missing_share``, ``longstring``, ``irv``,
        ``mahalanobis_d2``, ``mahalanobis_p``, ``evenodd``, ``attention_failed`` (nullable boolean).
        ``attrs["warnings"]`` lists what could not be computed (also issued as :class:`DataQualityWarning`);
        ``attrs["n_items"]`` is the number of items used.

    References
    ----------
    careless 1.2.2; psych 2.2.9 ``outlier``; Johnson (2005); Meade & Craig (2012).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> row = {v.name: 4.0 for v in inst.likert_items()} | {"resp_id": "r1", "ATTN_1": 5.0}
    >>> flags = careless_flags(pd.DataFrame([row]), inst)
    >>> int(flags.loc["r1", "longstring"]), bool(flags.loc["r1", "attention_failed"])
    (53, True)
    """
    if instrument is None:
        from alliance_stats.instrument import default_instrument

        instrument = default_instrument()
    indices, notes = _indices(df, instrument, _ALL_INDICES)
    flags = pd.DataFrame(index=_respondent_index(df))
    flags["row"] = np.arange(1, len(df) + 1)
    for column in ("n_answered", "missing_share", "longstring", "irv", "mahalanobis_d2", "mahalanobis_p",
                   "evenodd"):
        flags[column] = indices[column]
    flags["attention_failed"] = pd.array([pd.NA if np.isnan(v) else bool(v) for v in indices["attention_failed"]],
                                         dtype="boolean")
    for note in notes:
        warn(None, note, DataQualityWarning)
    flags.attrs = {"warnings": notes, "n_items": int(indices["n_items"])}
    return flags


_ALL_INDICES = frozenset({"longstring", "irv", "mahalanobis", "evenodd", "attention"})


def _item_values(df: pd.DataFrame, instrument: Instrument) -> tuple[np.ndarray, list[Any]]:
    """The construct items present in ``df`` as floats (declared missing, out-of-scale, text -> NaN)."""
    items = [v for v in instrument.likert_items() if v.name in df.columns]
    if not items:
        return np.empty((len(df), 0)), items
    values = np.array(df[[v.name for v in items]].apply(pd.to_numeric, errors="coerce")
                      .to_numpy(dtype=float, na_value=np.nan))
    return _on_scale(values, items, instrument), items


def _on_scale(values: np.ndarray, items: list[Any], instrument: Instrument) -> np.ndarray:
    """Item answers ``(..., items)`` with every code that is not a point of the item's scale set to NaN (the
    items of one scale in one pass; integer points from min to max tested as a range, the same answer)."""
    by_scale: dict[str, list[int]] = {}
    for j, var in enumerate(items):
        by_scale.setdefault(var.scale or "", []).append(j)
    for scale, columns in by_scale.items():
        points = [float(x) for x in instrument.scales[scale].points]
        whole = len(columns) == values.shape[-1]
        block = values if whole else values[..., columns]  # (a copy when the items are of several scales)
        if points == [float(k) for k in range(int(points[0]), int(points[-1]) + 1)]:
            from alliance_stats.data.kernels import off_scale_to_nan

            stack = block.reshape(-1, *block.shape[-2:])  # a view of a 2-D or 3-D block
            off_scale_to_nan(stack, points[0], points[-1])
            if not np.shares_memory(stack, block):
                block[...] = stack.reshape(block.shape)
        else:
            block[~np.isin(block, points)] = np.nan
        if not whole:
            values[..., columns] = block
    return values


def _evenodd_of(values: np.ndarray, items: list[Any], instrument: Instrument) -> np.ndarray | None:
    """Even-odd consistency over the constructs (reverse-keyed items reversed); ``None`` below two constructs."""
    position = {var.name: j for j, var in enumerate(items)}
    groups = [[position[v.name] for v in instrument.items(code) if v.name in position]
              for code in instrument.construct_codes()]
    groups = [g for g in groups if g]
    if len(groups) < 2:
        return None
    bounds = np.array([float(sum((instrument.scales[v.scale or ""].min, instrument.scales[v.scale or ""].max)))
                       for v in items])
    reverse = np.array([bool(v.reverse) for v in items], dtype=bool)
    scored = np.where(reverse[None, :], bounds[None, :] - values, values)
    return evenodd(scored[:, [j for g in groups for j in g]], [len(g) for g in groups])


def _attention_failed(columns: Any, instrument: Instrument, shape: tuple[int, ...]) -> np.ndarray:
    """1 where an attention item was answered otherwise than instructed, 0 where as instructed, NaN else.

    ``columns``: a DataFrame or a mapping of variable name -> answers of shape ``shape``."""
    failed = np.full(shape, np.nan)
    for var in instrument.attention_items():
        if var.name not in columns:
            continue
        raw = np.asarray(columns[var.name])
        given = np.asarray(pd.to_numeric(raw.ravel(), errors="coerce"), dtype=float).reshape(shape)
        expected = float(var.attention_expected or 0)
        with np.errstate(invalid="ignore"):
            failed[(given != expected) & ~np.isnan(given)] = 1.0
            failed[(given == expected) & np.isnan(failed)] = 0.0
    return failed


def _indices(df: pd.DataFrame, instrument: Instrument, which: frozenset[str],
             p_cut: float | None = None) -> tuple[dict[str, Any], list[str]]:
    """THE computation of the careless-responding indices, shared by :func:`careless_flags` (every index) and
    :func:`careless_exclusions` (only the indices its rules use; the others are NaN): one data set of
    :func:`_indices_of`."""
    values, items = _item_values(df, instrument)
    attention = _attention_failed(df, instrument, (1, len(df))) if "attention" in which else None
    out, notes = _indices_of(values[None], items, attention, instrument, which, p_cut)
    if "attention" in which and not any(v.name in df.columns for v in instrument.attention_items()):
        notes[0].append("no attention item in the data: attention_failed is NA")
    return {name: value[0] if isinstance(value, np.ndarray) else value for name, value in out.items()}, notes[0]


def _indices_of(values: np.ndarray, items: list[Any], attention: np.ndarray | None, instrument: Instrument,
                which: frozenset[str], p_cut: float | None = None) -> tuple[dict[str, Any], list[list[str]]]:
    """The indices of ``R`` data sets of equal size: ``values`` ``(R, n, items)`` on the scale (NaN missing),
    ``attention`` ``(R, n)`` from :func:`_attention_failed`; every index ``(R, n)``, notes per data set.

    With ``p_cut`` (the exclusions, which only compare the p value with it), ``mahalanobis_p`` is computed only
    where it can be below the cut: D2 above 0.999 times the chi-square quantile of ``p_cut``, where the p value
    is above the cut by far more than its rounding; NaN elsewhere (a NaN index breaks no rule)."""
    R, n, n_items = values.shape
    flat = values.reshape(R * n, n_items)
    notes: list[list[str]] = [[] for _ in range(R)]
    answered = (~np.isnan(values)).sum(axis=2)
    nan = np.full((R, n), np.nan)
    out: dict[str, Any] = {"n_items": n_items, "n_answered": answered,
                           "missing_share": 1 - answered / n_items if n_items else nan}
    out["longstring"] = longstring(flat).reshape(R, n) if "longstring" in which else nan
    out["irv"] = irv(flat).reshape(R, n) if "irv" in which else nan
    d2 = nan
    if "mahalanobis" in which and n_items >= 2:
        d2, more = mahalanobis_d2_stack(values)
        for r in range(R):
            notes[r].extend(more[r])
    out["mahalanobis_d2"] = d2
    if p_cut is None:
        out["mahalanobis_p"] = stats.chi2.sf(d2, df=max(n_items, 1))
    else:
        # scipy.stats.chi2's isf and sf are special.chdtri and chdtrc behind argument checks that cost a power
        # chunk more than the p values themselves (D2 > 0 here: the same numbers)
        near = d2 > 0.999 * special.chdtri(max(n_items, 1), p_cut)  # (NaN D2: False)
        out["mahalanobis_p"] = np.full(np.shape(d2), np.nan)
        out["mahalanobis_p"][near] = special.chdtrc(max(n_items, 1), d2[near])
    out["evenodd"] = nan
    if "evenodd" in which:
        consistency = _evenodd_of(flat, items, instrument)
        if consistency is None:
            for r in range(R):
                notes[r].append("even-odd consistency not computed: it needs items of at least two constructs")
        else:
            out["evenodd"] = consistency.reshape(R, n)
    out["attention_failed"] = attention if attention is not None else nan
    return out, notes


# ----------------------------------------------------------------------------------------- exclusions


class ExclusionRules(BaseModel):
    """Which careless-responding flags exclude a respondent (each rule off when ``None``/``False``).

    Attributes
    ----------
    max_longstring
        Exclude when ``longstring > max_longstring``.
    min_irv
        Exclude when ``irv < min_irv``.
    mahalanobis_p
        Exclude when ``mahalanobis_p < mahalanobis_p`` (e.g. .001).
    min_evenodd
        Exclude when ``evenodd < min_evenodd`` (Johnson 2005 used .30).
    fail_attention
        Exclude when the attention item was failed.
    max_missing_share
        Exclude when more than this share of the items is missing.
    exclude_dyad
        Also exclude the partner of an excluded respondent (dyadic analyses need both).
    """

    model_config = ConfigDict(extra="forbid")

    max_longstring: int | None = Field(default=None, ge=1)
    min_irv: float | None = Field(default=None, ge=0)
    mahalanobis_p: float | None = Field(default=None, gt=0, lt=1)
    min_evenodd: float | None = Field(default=None, ge=-1, le=1)
    fail_attention: bool = False
    max_missing_share: float | None = Field(default=None, ge=0, le=1)
    exclude_dyad: bool = False


def screening_rules(instrument: Instrument) -> ExclusionRules:
    """The thresholds :func:`check_responses` uses to *warn* about careless responding.

    - longstring at least half the number of items (Curran 2016's rule of thumb: a run as long as half the
      scale);
    - Mahalanobis p < .001 (the usual multivariate-outlier criterion, Tabachnick & Fidell 2013);
    - even-odd consistency < .30 (Johnson 2005);
    - a failed attention item.

    These are warnings only; which respondents are excluded is set in the analysis plan.

    Parameters
    ----------
    instrument
        The survey instrument (its number of construct items sets the longstring threshold).

    Returns
    -------
    ExclusionRules

    References
    ----------
    Curran (2016); Johnson (2005); Tabachnick, B. G. & Fidell, L. S. (2013), Using multivariate statistics, 6th ed.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> screening_rules(default_instrument()).max_longstring
    26
    """
    n_items = len(instrument.likert_items())
    return ExclusionRules(
        max_longstring=max(math.ceil(n_items / 2) - 1, 1),
        mahalanobis_p=0.001,
        min_evenodd=0.30,
        fail_attention=True,
    )


def _rule_masks(indices: Mapping[str, Any], rules: ExclusionRules) -> dict[str, np.ndarray]:
    """THE exclusion rules: per rule id, which respondents break it (a NaN index breaks no rule)."""
    def column(name: str) -> np.ndarray:
        return np.asarray(indices[name], dtype=float)

    masks: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):
        if rules.max_longstring is not None:
            masks["longstring"] = column("longstring") > rules.max_longstring
        if rules.min_irv is not None:
            masks["irv"] = column("irv") < rules.min_irv
        if rules.mahalanobis_p is not None:
            masks["mahalanobis"] = column("mahalanobis_p") < rules.mahalanobis_p
        if rules.min_evenodd is not None:
            masks["evenodd"] = column("evenodd") < rules.min_evenodd
        if rules.fail_attention:
            masks["attention"] = column("attention_failed") == 1
        if rules.max_missing_share is not None:
            masks["missing"] = column("missing_share") > rules.max_missing_share
    return masks


def _reasons(flags: pd.DataFrame, rules: ExclusionRules) -> list[list[tuple[str, str]]]:
    """Per respondent: list of (rule id, reason text)."""
    indices = {name: flags[name].to_numpy(dtype=float, na_value=np.nan) for name in flags.columns if name != "row"}
    masks = _rule_masks(indices, rules)
    texts = {
        "longstring": lambda f: f"longstring {f['longstring']:.0f} > {rules.max_longstring}",
        "irv": lambda f: f"irv {f['irv']:.3f} < {rules.min_irv}",
        "mahalanobis": lambda f: f"Mahalanobis D2 {f['mahalanobis_d2']:.1f}, p = {f['mahalanobis_p']:.2g} "
                                 f"< {rules.mahalanobis_p}",
        "evenodd": lambda f: f"even-odd consistency {f['evenodd']:.2f} < {rules.min_evenodd}",
        "attention": lambda f: "attention item failed",
        "missing": lambda f: f"{f['missing_share']:.0%} of the items missing > {rules.max_missing_share:.0%}",
    }
    out: list[list[tuple[str, str]]] = [[] for _ in range(len(flags))]
    for rule, mask in masks.items():
        for i in np.flatnonzero(mask):
            out[i].append((rule, texts[rule](flags.iloc[i])))
    order = list(texts)
    return [sorted(reasons, key=lambda r: order.index(r[0])) for reasons in out]


def apply_exclusions(
    df: pd.DataFrame, flags: pd.DataFrame, rules: ExclusionRules
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the responses into kept and excluded respondents by the careless-responding rules.

    Parameters
    ----------
    df
        Responses (canonical layout); not modified.
    flags
        :func:`careless_flags` of the same ``df`` (same rows, same order).
    rules
        The exclusion rules (from the analysis plan).

    Returns
    -------
    (kept, excluded)
        ``kept``: the rows of ``df`` not excluded (original index kept). ``excluded``: one row per excluded
        respondent, indexed like ``flags`` (``resp_id``), with ``row`` (1-based), ``dyad_id`` (when
        present), ``rules`` (the rule ids, comma-separated) and ``reasons`` (readable, ``"; "``-separated).

    References
    ----------
    Meade & Craig (2012); Curran (2016); careless 1.2.2.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> row = {v.name: 4.0 for v in inst.likert_items()} | {"resp_id": "r1", "ATTN_1": 5.0}
    >>> frame = pd.DataFrame([row])
    >>> kept, excluded = apply_exclusions(frame, careless_flags(frame, inst), ExclusionRules(fail_attention=True))
    >>> len(kept), excluded.loc["r1", "reasons"]
    (0, 'attention item failed')
    """
    if len(flags) != len(df):
        raise SpecificationError(f"flags have {len(flags)} rows but the responses have {len(df)}: compute "
                         "careless_flags on the same frame")
    reasons = _reasons(flags, rules)
    excluded_pos = {i for i, r in enumerate(reasons) if r}
    if rules.exclude_dyad and "dyad_id" in df.columns:
        dyads = df["dyad_id"].reset_index(drop=True)
        bad = {dyads[i] for i in excluded_pos if pd.notna(dyads[i])}
        for i, dyad in enumerate(dyads):
            if pd.notna(dyad) and dyad in bad and i not in excluded_pos:
                reasons[i].append(("partner", "partner excluded (whole dyad excluded)"))
                excluded_pos.add(i)
    positions = sorted(excluded_pos)
    excluded = pd.DataFrame(
        {
            "row": [i + 1 for i in positions],
            "dyad_id": [df["dyad_id"].iloc[i] for i in positions] if "dyad_id" in df.columns else pd.NA,
            "rules": [", ".join(rule for rule, _ in reasons[i]) for i in positions],
            "reasons": ["; ".join(text for _, text in reasons[i]) for i in positions],
        },
        index=flags.index[positions],
    )
    if "dyad_id" not in df.columns:
        excluded = excluded.drop(columns="dyad_id")
    keep_mask = np.ones(len(df), dtype=bool)
    keep_mask[positions] = False
    kept = df.iloc[keep_mask].copy()
    kept.attrs = dict(df.attrs)
    return kept, excluded



def careless_exclusions(responses: pd.DataFrame, instrument: Instrument, rules: ExclusionRules) -> np.ndarray:
    """Boolean mask of the respondents that the careless-responding rules exclude (for the power analysis).

    The same indices and rules as :func:`careless_flags` followed by :func:`apply_exclusions` (they share
    ``_indices`` and ``_rule_masks``), without building the flags table or the reasons, and computing only the
    indices the rules use.

    Parameters
    ----------
    responses
        Responses in the canonical layout; not modified.
    instrument
        The survey instrument.
    rules
        The exclusion rules (:class:`ExclusionRules`, from the analysis plan).

    Returns
    -------
    numpy.ndarray
        One boolean per row of ``responses``: ``True`` = excluded (with ``exclude_dyad``, the partner too).

    References
    ----------
    careless 1.2.2 (Yentes & Wilhelm 2023); psych 2.2.9 ``outlier``; Johnson (2005); Meade & Craig (2012).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> row = {v.name: 4.0 for v in inst.likert_items()} | {"resp_id": "r1", "ATTN_1": 5.0}
    >>> careless_exclusions(pd.DataFrame([row]), inst, ExclusionRules(fail_attention=True)).tolist()
    [True]
    """
    which = {"longstring": rules.max_longstring is not None, "irv": rules.min_irv is not None,
             "mahalanobis": rules.mahalanobis_p is not None, "evenodd": rules.min_evenodd is not None,
             "attention": rules.fail_attention}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        indices, _ = _indices(responses, instrument, frozenset(k for k, used in which.items() if used),
                              rules.mahalanobis_p)
    excluded = np.zeros(len(responses), dtype=bool)
    for mask in _rule_masks(indices, rules).values():
        excluded |= mask
    if rules.exclude_dyad and "dyad_id" in responses.columns:
        dyad = responses["dyad_id"].to_numpy()
        known = pd.notna(dyad)
        bad = set(dyad[excluded & known])
        excluded |= np.isin(dyad, list(bad)) & known
    return excluded


def careless_exclusions_stack(columns: Mapping[str, np.ndarray], instrument: Instrument, rules: ExclusionRules,
                              dyad_of: np.ndarray | None = None) -> np.ndarray:
    """:func:`careless_exclusions` of ``R`` data sets of equal size at once (the power analysis's replicates).

    Parameters
    ----------
    columns
        Variable name -> ``(R, n)`` answers (NaN missing): the construct items and attention items.
    instrument
        The survey instrument.
    rules
        The exclusion rules.
    dyad_of
        ``(n,)`` dyad number of each respondent (the same in every data set), for ``exclude_dyad``.

    Returns
    -------
    numpy.ndarray
        ``(R, n)`` booleans, row ``r`` equal to ``careless_exclusions`` of data set ``r`` (same indices, same
        rules: they share ``_indices_of`` and ``_rule_masks``).

    References
    ----------
    careless 1.2.2 (Yentes & Wilhelm 2023); psych 2.2.9 ``outlier``; Johnson (2005); Meade & Craig (2012).

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> inst = default_instrument()
    >>> cols = {v.name: np.full((2, 1), 4.0) for v in inst.likert_items()} | {"ATTN_1": np.array([[5.0], [2.0]])}
    >>> careless_exclusions_stack(cols, inst, ExclusionRules(fail_attention=True)).tolist()
    [[True], [False]]
    """
    which = frozenset(name for name, used in (
        ("longstring", rules.max_longstring is not None), ("irv", rules.min_irv is not None),
        ("mahalanobis", rules.mahalanobis_p is not None), ("evenodd", rules.min_evenodd is not None),
        ("attention", rules.fail_attention)) if used)
    items = [v for v in instrument.likert_items() if v.name in columns]
    shape = np.shape(next(iter(columns.values())))
    # item-major (each item's answers contiguous: copied row by row), seen as (R, n, items)
    values = (_on_scale(np.moveaxis(np.stack([np.asarray(columns[v.name], dtype=float) for v in items]), 0, -1),
                        items, instrument) if items else np.empty((*shape, 0)))
    attention = _attention_failed(columns, instrument, shape) if "attention" in which else None
    indices, _ = _indices_of(values, items, attention, instrument, which, rules.mahalanobis_p)
    excluded = np.zeros(shape, dtype=bool)
    for mask in _rule_masks(indices, rules).values():
        excluded |= mask
    if rules.exclude_dyad and dyad_of is not None:
        dyad_of = np.asarray(dyad_of)
        bad = np.zeros((shape[0], int(dyad_of.max()) + 1), dtype=bool)
        np.logical_or.at(bad, (np.arange(shape[0])[:, None], dyad_of[None, :]), excluded)
        excluded |= bad[:, dyad_of]
    return excluded
