"""Polychoric (and polyserial) correlations, thresholds and their asymptotic covariance, as lavaan 0.6-14.

Two steps, as ``lavaan::lavCor(..., ordered = )`` and ``psych::polychoric(correct = 0)``: the thresholds of
each item from its own marginal proportions (``qnorm`` of the cumulative proportions), then each correlation by
maximum likelihood of the bivariate normal cell probabilities given those thresholds. The likelihoods of all
item pairs are maximised together: one array of cell probabilities for every pair (the bivariate normal
distribution function of :mod:`._bvn` evaluated on the grid of thresholds), and one safeguarded Newton step
per iteration for all pairs at once (Fisher scoring where the observed curvature is not negative, step halving
where the likelihood would fall).

The asymptotic covariance matrix of (thresholds, correlations) is lavaan's ``NACOV`` (``lavInspect(fit,
"gamma")`` of a WLSMV fit with all items ordered), built as lavaan's ``muthen1984()`` builds it from the
casewise scores: with ``SC`` the scores of the thresholds (univariate) and of the correlations (bivariate, given
the thresholds), ``A11`` the item blocks of ``SC_th' SC_th``, ``A21`` the cross-products of the correlation
scores with the bivariate threshold derivatives, ``A22`` the diagonal of ``SC_cor' SC_cor``, and ``B`` the
lower block-triangular matrix of these blocks, ``NACOV = N B^-1 (SC' SC) B^-T``.

References
----------
Muthen, B. (1984). A general structural equation model with dichotomous, ordered categorical, and continuous
latent variable indicators. *Psychometrika*, 49(1), 115-132.
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient. *Psychometrika*,
44(4), 443-460.
Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical Software*,
48(2), 1-36 (version 0.6-14: ``lav_samplestats_step1``, ``lav_samplestats_step2``, ``muthen1984``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from alliance_stats.core.errors import ConvergenceWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.measurement.ordinal._bvn import bvn_cdf, bvn_pdf

__all__ = ["PolychoricResult", "polychoric", "polyserial"]

_SQRT_EPS = float(np.sqrt(np.finfo(float).eps))
_BOUND = 0.999  # lavaan's bounds for the correlation (nlminb lower/upper)


@dataclass(frozen=True)
class PolychoricResult(Result):
    """Result of :func:`polychoric`.

    Attributes
    ----------
    correlation
        Items x items polychoric (polyserial, Pearson) correlations, unit diagonal, items in the given order.
    thresholds
        Index ``"item|t1"``, ``"item|t2"``, ... item by item in the given order (lavaan's names and order).
    gamma
        lavaan's ``NACOV`` (``lavInspect(fit, "gamma")``): the thresholds, then the correlations below the
        diagonal column by column (``lav_matrix_vech(R, diagonal = FALSE)``), scaled by ``n_obs``. Computed when
        every item is ordered and no correlation is exactly +-1 (two binary items with two empty cells); an
        empty 0 x 0 array otherwise (see ``warnings``).
    n_obs
        Respondents used (lavaan's ``nobs``).
    warnings
        Statistical warnings (unused codes between observed ones, non-convergence, correlations near 1).
    """

    correlation: pd.DataFrame
    thresholds: pd.Series
    gamma: np.ndarray
    n_obs: int
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``polychoric``: the lower triangle of the matrix; ``thresholds``: one row per item."""
        check_lang(lang)
        values = self.correlation.to_numpy(dtype=float).copy()
        values[np.triu_indices_from(values, k=1)] = np.nan
        item = tr("measurement.item", lang)
        frame = pd.DataFrame(values, index=pd.Index(self.correlation.index, name=item),
                             columns=list(self.correlation.columns))
        note = tr("measurement.ordinal.polychoric_note", lang).format(n=self.n_obs)
        corr = Table(key="polychoric", title=tr("measurement.ordinal.polychoric_title", lang), frame=frame,
                     note=note, formats={c: "r2" for c in frame.columns}, lang=lang)
        rows: dict[str, dict[str, float]] = {}
        for name, value in self.thresholds.items():
            itm, th = str(name).rsplit("|", 1)
            rows.setdefault(itm, {})[th] = float(value)
        th_frame = pd.DataFrame.from_dict(rows, orient="index")
        th_frame.index.name = item
        ths = Table(key="thresholds", title=tr("measurement.ordinal.thresholds_title", lang), frame=th_frame,
                    note=tr("measurement.ordinal.thresholds_note", lang),
                    formats={c: "f2" for c in th_frame.columns}, lang=lang)
        return {"polychoric": corr, "thresholds": ths}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready numbers: the matrix (split form), the thresholds, gamma as nested lists, n and warnings."""
        return {"correlation": {"index": list(self.correlation.index), "columns": list(self.correlation.columns),
                                "data": self.correlation.to_numpy(dtype=float).tolist()},
                "thresholds": {str(k): float(v) for k, v in self.thresholds.items()},
                "gamma": self.gamma.tolist(), "n_obs": int(self.n_obs), "warnings": list(self.warnings)}


# ----------------------------------------------------------------------------------------------------------------
# step 0: codes -> category indices


def _item_categories(column: pd.Series, messages: list[str],
                     rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Category index (0..K-1, -1 when missing) of every answer and the observed codes, checked; ``rows``:
    the 1-based data rows of the answers (for the error message), default 1..n."""
    name = str(column.name)
    raw = column.to_numpy(dtype=object)
    present = ~pd.isna(column).to_numpy()
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
    bad = present & ~(np.isfinite(values) & (values == np.round(values)))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SpecificationError(f"item {name!r} has a code that is not a whole number: ordinal items need "
                                 "integer codes", column=name, value=raw[row],
                                 row=row + 1 if rows is None else int(rows[row]),
                                 fix="code the answers as whole numbers (1, 2, ...) or declare the column as "
                                     "continuous (leave it out of ordered=)")
    codes, index = np.unique(values[present], return_inverse=True)
    if codes.size < 2:
        value = None if codes.size == 0 else int(codes[0])
        raise SpecificationError(f"item {name!r} has {codes.size} observed category: thresholds and "
                                 "correlations need at least two", column=name, value=value,
                                 fix="drop the item or collect answers in more than one category")
    gaps = [int(c) for c in np.setdiff1d(np.arange(codes[0], codes[-1] + 1), codes)]
    if gaps:
        warn(messages, f"Item {name!r}: code(s) {gaps} between the observed codes {int(codes[0])} and "
                       f"{int(codes[-1])} are never used; as lavaan (which turns the item into an ordered factor "
                       f"of its observed values), the item has {codes.size} categories and {codes.size - 1} "
                       "thresholds.")
    cats = np.full(values.shape, -1, dtype=np.int64)
    cats[present] = index
    return cats, codes


def _univariate(cats: np.ndarray, n_levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Extended thresholds (p, Kmax + 1): -inf, the thresholds, then +inf; and the counts (p, Kmax)."""
    p = cats.shape[1]
    kmax = int(n_levels.max())
    counts = np.zeros((p, kmax))
    ext = np.full((p, kmax + 1), np.inf)
    ext[:, 0] = -np.inf
    for j in range(p):  # one pass per item (not per respondent): bincount of its categories
        col = cats[:, j]
        counts[j, : n_levels[j]] = np.bincount(col[col >= 0], minlength=n_levels[j])
        cum = np.cumsum(counts[j, : n_levels[j]])[:-1] / counts[j].sum()
        ext[j, 1: n_levels[j]] = ndtri(cum)
    return ext, counts


# ----------------------------------------------------------------------------------------------------------------
# step 2: all pairs at once


def _grid(tx: np.ndarray, ty: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bivariate normal distribution function and density on the threshold grids of every pair.

    ``tx``, ``ty``: (P, K + 1) extended thresholds; returns two (P, K + 1, K + 1) arrays.
    """
    x = np.broadcast_to(tx[:, :, None], (tx.shape[0], tx.shape[1], ty.shape[1]))
    y = np.broadcast_to(ty[:, None, :], x.shape)
    r = np.broadcast_to(rho[:, None, None], x.shape)
    finite = np.isfinite(x) & np.isfinite(y)
    cdf = np.zeros(x.shape)
    cdf[finite] = bvn_cdf(x[finite], y[finite], r[finite])
    xpos, ypos = x == np.inf, y == np.inf
    cdf = np.where(xpos & np.isfinite(y), ndtr(y), cdf)
    cdf = np.where(ypos & np.isfinite(x), ndtr(x), cdf)
    cdf = np.where(xpos & ypos, 1.0, cdf)
    pdf = bvn_pdf(x, y, r)
    return cdf, pdf


def _cells(grid: np.ndarray) -> np.ndarray:
    """Rectangle probabilities (P, K, K) from a grid of the distribution function (P, K + 1, K + 1)."""
    return grid[:, 1:, 1:] - grid[:, :-1, 1:] - grid[:, 1:, :-1] + grid[:, :-1, :-1]


def _curvature(tx: np.ndarray, ty: np.ndarray, rho: np.ndarray, pdf: np.ndarray) -> np.ndarray:
    """d/drho of the bivariate density on the grid: pdf * (rho / (1 - rho^2) + (xy(1 + rho^2) - rho(x^2 + y^2))
    / (1 - rho^2)^2), zero at infinite limits."""
    x = np.where(np.isfinite(tx), tx, 0.0)[:, :, None]
    y = np.where(np.isfinite(ty), ty, 0.0)[:, None, :]
    r = rho[:, None, None]
    one = 1.0 - r * r
    return pdf * (r / one + (x * y * (1 + r * r) - r * (x * x + y * y)) / (one * one))


def _loglik(freq: np.ndarray, tx: np.ndarray, ty: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Log-likelihood of every pair's table at ``rho`` (used by the tests to compare with psych)."""
    cdf, _ = _grid(tx, ty, rho)
    prob = np.maximum(_cells(cdf), _SQRT_EPS)  # lavaan clamps cell probabilities at sqrt(eps)
    return (freq * np.log(prob)).sum(axis=(1, 2))


def _newton(freq: np.ndarray, tx: np.ndarray, ty: np.ndarray, start: np.ndarray,
            free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maximise every pair's bivariate likelihood in rho; returns the estimates and a converged flag.

    One evaluation of the grids per iteration: a pair whose likelihood fell since its last accepted point
    goes back halfway (step halving); the others take a Newton step (a Fisher scoring step where the observed
    curvature is not negative). Converged when the step is below 1e-11.
    """
    rho = start.copy()
    done = ~free
    best_rho, best_ll = rho.copy(), np.full(rho.shape, -np.inf)
    for _ in range(300):
        act = np.flatnonzero(~done)
        if act.size == 0:
            break
        cdf, pdf = _grid(tx[act], ty[act], rho[act])
        prob = np.maximum(_cells(cdf), _SQRT_EPS)  # lavaan clamps cell probabilities at sqrt(eps)
        f = freq[act]
        ll = (f * np.log(prob)).sum(axis=(1, 2))
        worse = ll < best_ll[act] - 1e-12 * np.abs(best_ll[act])
        back = act[worse]
        rho[back] = (best_rho[back] + rho[back]) / 2.0
        stuck = back[np.abs(rho[back] - best_rho[back]) < 1e-13]
        rho[stuck], done[stuck] = best_rho[stuck], True
        ok = ~worse
        acc = act[ok]
        best_rho[acc], best_ll[acc] = rho[acc], ll[ok]
        d1 = _cells(pdf[ok])
        d2 = _cells(_curvature(tx[acc], ty[acc], rho[acc], pdf[ok]))
        pr, fo = prob[ok], f[ok]
        grad = (fo * d1 / pr).sum(axis=(1, 2))
        hess = (fo * (d2 / pr - (d1 / pr) ** 2)).sum(axis=(1, 2))
        info = fo.sum(axis=(1, 2)) * (d1 * d1 / pr).sum(axis=(1, 2))
        step = np.where(hess < 0, -grad / np.where(hess < 0, hess, -1.0), grad / np.maximum(info, 1e-300))
        new = np.clip(rho[acc] + step, -_BOUND, _BOUND)
        done[acc] = np.abs(new - rho[acc]) < 1e-11
        rho[acc] = new
    return rho, done


def _zero_cell_2x2(freq: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """lavaan's rules for 2 x 2 tables: one empty cell gets 0.5 with the margins kept; two empty cells give
    rho = +-1 (no estimation). Returns the tables to maximise, the fixed values and which pairs are fixed."""
    freq = freq.copy()
    fixed = np.zeros(freq.shape[0], dtype=bool)
    value = np.zeros(freq.shape[0])
    for k in np.flatnonzero((levels[:, 0] == 2) & (levels[:, 1] == 2)):
        t = freq[k, :2, :2]
        zero = t == 0
        if zero.sum() == 2:
            fixed[k], value[k] = True, 1.0 if t[0, 0] > 0 else -1.0
        elif zero.sum() == 1:
            sign = 1.0 if zero[0, 0] or zero[1, 1] else -1.0
            t += sign * 0.5 * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return freq, value, fixed


# ----------------------------------------------------------------------------------------------------------------
# NACOV (Muthen 1984, lavaan's muthen1984)


def _threshold_scores(cats: np.ndarray, ext: np.ndarray, n_levels: np.ndarray) -> np.ndarray:
    """Casewise scores of the thresholds, padded: (N, p, Kmax - 1), zero when the answer is missing.

    Answer in category c: d log(pi_c) / d tau_k = (1[c == k] - 1[c == k + 1]) phi(tau_k) / pi_c.
    """
    p, kmax1 = ext.shape
    kmax = kmax1 - 1
    dens = np.where(np.isfinite(ext[:, 1:-1]), np.exp(-0.5 * np.where(np.isfinite(ext[:, 1:-1]),
                                                                          ext[:, 1:-1], 0.0) ** 2), 0.0)
    dens /= np.sqrt(2 * np.pi)
    prob = ndtr(ext[:, 1:]) - ndtr(ext[:, :-1])  # (p, Kmax)
    table = np.zeros((p, kmax + 1, kmax - 1))  # row kmax: missing answer
    cidx = np.arange(kmax)
    for k in range(kmax - 1):
        sign = (cidx == k).astype(float) - (cidx == k + 1).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            table[:, :kmax, k] = np.where(prob > 0, sign * dens[:, k: k + 1] / np.where(prob > 0, prob, 1), 0)
    safe = np.where(cats < 0, kmax, cats)
    return table[np.arange(p)[None, :], safe, :]


def _pair_scores(tx: np.ndarray, ty: np.ndarray, rho: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell of every pair: d log(pi_ab)/d rho (zero where pi_ab <= sqrt(eps), lavaan's NA), and the
    derivatives of pi_ab in the thresholds of the row and column items (as Q arrays, see _a21)."""
    cdf, pdf = _grid(tx, ty, rho)
    prob = np.maximum(_cells(cdf), _SQRT_EPS)
    ok = prob > _SQRT_EPS
    s_rho = np.where(ok, _cells(pdf) / prob, 0.0)
    r = np.sqrt(1.0 - rho * rho)[:, None, None]

    def q(t_own: np.ndarray, t_other: np.ndarray) -> np.ndarray:
        own = t_own[:, 1:-1]  # interior thresholds (P, K - 1), +inf when padded
        fin = np.isfinite(own)
        o = np.where(fin, own, 0.0)[:, :, None]
        z = (t_other[:, None, :] - rho[:, None, None] * o) / r
        phi_z = ndtr(z)
        dens = np.where(fin, np.exp(-0.5 * o[:, :, 0] ** 2) / np.sqrt(2 * np.pi), 0.0)[:, :, None]
        return dens * (phi_z[:, :, 1:] - phi_z[:, :, :-1])  # (P, K - 1, K)

    return s_rho, ok, prob, q(tx, ty), q(ty, tx)


def _nacov(cats: np.ndarray, ext: np.ndarray, n_levels: np.ndarray, pairs: tuple[np.ndarray, np.ndarray],
           freq: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """lavaan's NACOV = N B^-1 (SC' SC) B^-T from the casewise scores (see the module docstring)."""
    n, p = cats.shape
    ii, jj = pairs
    kmax = ext.shape[1] - 1
    s_rho, ok, prob, q_row, q_col = _pair_scores(ext[ii], ext[jj], rho)
    # scores of the thresholds, padded (N, p, Kmax - 1), and the valid columns in lavaan's order
    sc_th = _threshold_scores(cats, ext, n_levels)
    valid = np.arange(kmax - 1)[None, :] < (n_levels - 1)[:, None]
    a11 = np.einsum("npk,npl->pkl", sc_th, sc_th)
    a11[~valid] = 0.0
    a11 += np.einsum("pk,kl->pkl", (~valid).astype(float), np.eye(kmax - 1))
    z_th = np.einsum("npk,pkl->npl", sc_th, np.linalg.inv(a11))[:, valid]  # SC_th A11^-1, (N, nth)
    # correlation scores per respondent (zero when one of the two answers is missing)
    safe = np.where(cats < 0, kmax, cats)
    padded = np.zeros((s_rho.shape[0], kmax + 1, kmax + 1))
    padded[:, :kmax, :kmax] = s_rho
    sc_cor = padded[np.arange(len(ii))[None, :], safe[:, ii], safe[:, jj]]  # (N, P)
    # A21 and A22 from the observed tables (sums over respondents = sums over cells)
    w = freq * s_rho / prob
    w = np.where(ok, w, 0.0)
    a21_row = (q_row * (w[:, :-1, :] - w[:, 1:, :])).sum(axis=2)  # (P, Kmax - 1)
    a21_col = (q_col * np.transpose(w[:, :, :-1] - w[:, :, 1:], (0, 2, 1))).sum(axis=2)
    a22 = (freq * s_rho * s_rho).sum(axis=(1, 2))
    offset = np.concatenate([[0], np.cumsum(n_levels - 1)])
    nth = int(offset[-1])
    a21 = np.zeros((len(ii), nth))
    for k in range(kmax - 1):  # one pass per threshold position, all pairs at once
        row_ok, col_ok = k < n_levels[ii] - 1, k < n_levels[jj] - 1
        a21[np.flatnonzero(row_ok), offset[ii[row_ok]] + k] = a21_row[row_ok, k]
        a21[np.flatnonzero(col_ok), offset[jj[col_ok]] + k] = a21_col[col_ok, k]
    influence = np.hstack([z_th, (sc_cor - z_th @ a21.T) / a22])
    return n * (influence.T @ influence)


# ----------------------------------------------------------------------------------------------------------------
# polyserial (ordinal x continuous) and the public functions


def _polyserial_rho(z: np.ndarray, cat: np.ndarray, ext_y: np.ndarray) -> float:
    """ML correlation of a standardised continuous variable ``z`` and an ordinal one (categories ``cat``,
    extended thresholds ``ext_y``), the thresholds and the mean and variance held fixed (two-step)."""
    from scipy.optimize import minimize_scalar

    upper, lower = ext_y[cat + 1], ext_y[cat]

    def nll(rho: float) -> float:
        r = np.sqrt(1.0 - rho * rho)
        lik = ndtr((upper - rho * z) / r) - ndtr((lower - rho * z) / r)
        return float(-np.log(np.maximum(lik, 1e-300)).sum())

    fit = minimize_scalar(nll, bounds=(-_BOUND, _BOUND), method="bounded", options={"xatol": 1e-12})
    return float(fit.x)


def _standardised(x: pd.Series) -> np.ndarray:
    """(x - mean) / sd with the ML mean and variance (divisor n) over the answered rows; NaN where missing."""
    values = pd.to_numeric(x, errors="coerce").to_numpy(dtype=float)
    seen = np.isfinite(values)
    mean, sd = values[seen].mean(), values[seen].std()
    if not sd > 0:
        raise SpecificationError(f"variable {x.name!r} is constant: its correlations are undefined",
                                 column=str(x.name), fix="drop the variable")
    return (values - mean) / sd


def _bvreg_rho(x: pd.Series, y: pd.Series) -> float:
    """Two-step correlation of two continuous variables (lavaan's ``lav_bvreg``): means and variances fixed
    at their univariate ML values, rho by bivariate normal ML over the rows where both are answered (the
    Pearson correlation when nothing is missing)."""
    from scipy.optimize import minimize_scalar

    zx, zy = _standardised(x), _standardised(y)
    both = np.isfinite(zx) & np.isfinite(zy)
    sxx, syy, sxy, n = (zx[both] ** 2).sum(), (zy[both] ** 2).sum(), (zx[both] * zy[both]).sum(), both.sum()

    def nll(rho: float) -> float:
        one = 1.0 - rho * rho
        return float(0.5 * n * np.log(one) + (sxx - 2 * rho * sxy + syy) / (2 * one))

    return float(minimize_scalar(nll, bounds=(-_BOUND, _BOUND), method="bounded", options={"xatol": 1e-12}).x)


def polyserial(x: pd.Series, y: pd.Series) -> float:
    """Two-step polyserial correlation of a continuous ``x`` and an ordinal ``y`` (lavaan's ``lav_bvmix``).

    The mean and variance of ``x`` (maximum likelihood, divisor n, over its answered rows) and the thresholds
    of ``y`` (from its marginal proportions) are fixed first; the correlation maximises the joint likelihood
    over the rows where both are answered.

    Parameters
    ----------
    x
        Continuous variable.
    y
        Ordinal variable (integer codes).

    Returns
    -------
    float
        The polyserial correlation.

    References
    ----------
    Olsson, U., Drasgow, F., & Dorans, N. J. (1982). The polyserial correlation coefficient. *Psychometrika*,
    47(3), 337-347.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> latent = rng.multivariate_normal([0, 0], [[1, .6], [.6, 1]], size=2000)
    >>> y = pd.Series(np.digitize(latent[:, 1], [-1, 0, 1]) + 1, name="y")
    >>> round(polyserial(pd.Series(latent[:, 0], name="x"), y), 1)
    0.6
    """
    cats, codes = _item_categories(y, [])
    z = _standardised(x)
    ext, _ = _univariate(cats[:, None], np.array([codes.size]))
    both = np.isfinite(z) & (cats >= 0)
    return _polyserial_rho(z[both], cats[both], ext[0])


def _check_arguments(items: Any, ordered: Any, missing: str) -> list[str]:
    """The ordered columns, after checking the arguments."""
    if not isinstance(items, pd.DataFrame):
        raise SpecificationError(f"items must be a pandas DataFrame, got {type(items).__name__}",
                                 fix="pass the item responses as a DataFrame, one column per item")
    if items.shape[1] < 2 or not items.columns.is_unique:
        raise SpecificationError("polychoric() needs at least two items with distinct column names",
                                 fix="pass two or more items")
    if missing not in ("pairwise", "listwise"):
        raise SpecificationError(f"missing={missing!r} is not available", value=missing,
                                 fix="use missing='pairwise' or missing='listwise'")
    names = [str(c) for c in items.columns]
    ordered_names = names if ordered is None or ordered is True else [str(c) for c in ordered]
    unknown = [c for c in ordered_names if c not in names]
    if unknown:
        raise SpecificationError(f"ordered= names {unknown} that are not columns of items", value=unknown[0],
                                 fix="list items that are columns of the data")
    return ordered_names


def _pair_tables(cats: np.ndarray, n_levels: np.ndarray, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
    """Contingency tables of all pairs (P, Kmax, Kmax), rows item ii, columns item jj, from one product."""
    n, p = cats.shape
    kmax = int(n_levels.max())
    onehot = np.zeros((n, p, kmax))
    rows, cols = np.nonzero(cats >= 0)
    onehot[rows, cols, cats[rows, cols]] = 1.0
    flat = onehot.reshape(n, p * kmax)
    cross = (flat.T @ flat).reshape(p, kmax, p, kmax)
    return cross[ii, :, jj, :]


def _ordinal_correlations(cats: np.ndarray, n_levels: np.ndarray, names: list[str],
                          messages: list[str]) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray],
                                                        np.ndarray]:
    """Extended thresholds, the correlations of all pairs (vech order), the pairs and their tables."""
    p = cats.shape[1]
    ext, _counts = _univariate(cats, n_levels)
    jj, ii = np.triu_indices(p, k=1)  # column by column below the diagonal: (i > j), j outer
    order = np.lexsort((ii, jj))
    ii, jj = ii[order], jj[order]
    freq = _pair_tables(cats, n_levels, ii, jj)
    work, value, fixed = _zero_cell_2x2(freq, np.column_stack([n_levels[ii], n_levels[jj]]))
    empty = work.sum(axis=(1, 2)) == 0
    for k in np.flatnonzero(empty):
        raise SpecificationError(f"items {names[ii[k]]!r} and {names[jj[k]]!r} are never answered together: "
                                 "their correlation cannot be estimated", column=names[ii[k]],
                                 fix="use missing='listwise' or drop one of the two items")
    rho, converged = _newton(work, ext[ii], ext[jj], value, ~fixed)
    rho[fixed] = value[fixed]
    for k in np.flatnonzero(~converged):
        warn(messages, f"The polychoric correlation of {names[ii[k]]!r} and {names[jj[k]]!r} did not converge "
                       f"(last value {rho[k]:.4f}).", ConvergenceWarning)
    for k in np.flatnonzero(np.abs(rho) > 0.99):
        warn(messages, f"The polychoric correlation of {names[ii[k]]!r} and {names[jj[k]]!r} is (nearly) "
                       f"{np.sign(rho[k]):+.0f} ({rho[k]:.4f}): the two items are nearly redundant.")
    return ext, rho, (ii, jj), freq


def polychoric(items: pd.DataFrame, *, ordered: list[str] | bool | None = None,
               missing: str = "pairwise") -> PolychoricResult:
    """Polychoric correlations, thresholds and their asymptotic covariance (NACOV), as lavaan 0.6-14.

    Two steps, as ``lavCor(items, ordered = names(items))`` and ``psych::polychoric(items, correct = 0)``: the
    thresholds of each item are ``qnorm`` of its cumulative proportions; each correlation then maximises the
    bivariate normal likelihood of the pair's contingency table given those thresholds (all pairs together).
    An item takes as many categories as it has observed codes (lavaan turns it into an ordered factor of its
    observed values): a code never used between two observed ones is skipped, with a warning.

    Parameters
    ----------
    items
        One column per item, integer codes (not modified); missing answers as NaN.
    ordered
        ``None`` or ``True``: every column is ordinal. A list of names: those columns are ordinal and the
        others continuous (polyserial correlations for ordinal x continuous pairs, Pearson for continuous
        pairs; ``gamma`` is then not computed).
    missing
        ``"pairwise"`` (each threshold from the item's answered rows, each correlation from the rows where
        both items are answered: lavaan's ``missing = "pairwise"``) or ``"listwise"`` (lavaan's default:
        rows with a missing answer are dropped first). Under pairwise deletion ``gamma`` is built as lavaan
        builds it: a respondent's score is zero for a threshold of an item they skipped and for a correlation
        of a pair in which they skipped one item, and the sums run over all ``n_obs`` respondents.

    Returns
    -------
    PolychoricResult
        ``.correlation``, ``.thresholds``, ``.gamma`` (lavaan's NACOV), ``.n_obs``, ``.warnings``.

    Raises
    ------
    SpecificationError
        An item with one observed category, a code that is not a whole number, more thresholds than
        respondents, two items never answered together; each names the item and the value.

    References
    ----------
    Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation coefficient.
    *Psychometrika*, 44(4), 443-460.
    Muthen, B. (1984). A general structural equation model with dichotomous, ordered categorical, and
    continuous latent variable indicators. *Psychometrika*, 49(1), 115-132.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> latent = rng.multivariate_normal([0, 0, 0], [[1, .5, .4], [.5, 1, .3], [.4, .3, 1]], size=3000)
    >>> data = pd.DataFrame(np.digitize(latent, [-1.0, 0.0, 0.8]) + 1, columns=["a", "b", "c"])
    >>> res = polychoric(data)
    >>> res.correlation.round(1)
         a    b    c
    a  1.0  0.5  0.4
    b  0.5  1.0  0.3
    c  0.4  0.3  1.0
    >>> list(res.thresholds.index[:3]), res.gamma.shape
    (['a|t1', 'a|t2', 'a|t3'], (12, 12))
    """
    ordered_names = _check_arguments(items, ordered, missing)
    names = [str(c) for c in items.columns]
    kept = items.notna().all(axis=1) if missing == "listwise" else items.notna().any(axis=1)
    data, rows = items[kept.to_numpy()], np.flatnonzero(kept.to_numpy()) + 1
    messages: list[str] = []
    o_idx = [names.index(c) for c in names if c in ordered_names]
    cats, levels = zip(*(_item_categories(data.iloc[:, j].rename(names[j]), messages, rows) for j in o_idx),
                       strict=True) if o_idx else ((), ())
    n_obs = int(data.shape[0])
    n_levels = np.array([lv.size for lv in levels], dtype=np.int64)
    if n_levels.size and int((n_levels - 1).sum()) > n_obs:
        worst = int(np.argmax(n_levels))
        raise SpecificationError(f"{int((n_levels - 1).sum())} thresholds for {n_obs} respondents: too few "
                                 "respondents for the thresholds and their covariance", column=names[o_idx[worst]],
                                 value=int(n_levels[worst]), fix="collect more responses or use fewer items")
    corr = np.eye(len(names))
    th_names: list[str] = []
    th_values: list[float] = []
    gamma = np.zeros((0, 0))
    if len(o_idx) >= 1:
        cat_mat = np.column_stack(cats)
        o_names = [names[j] for j in o_idx]
        ext, _counts = _univariate(cat_mat, n_levels)
        for k, j in enumerate(o_idx):
            th_names += [f"{names[j]}|t{t + 1}" for t in range(n_levels[k] - 1)]
            th_values += list(ext[k, 1: n_levels[k]])
        if len(o_idx) >= 2:
            ext, rho, (ii, jj), freq = _ordinal_correlations(cat_mat, n_levels, o_names, messages)
            corr[np.array(o_idx)[ii], np.array(o_idx)[jj]] = rho
            corr[np.array(o_idx)[jj], np.array(o_idx)[ii]] = rho
            if len(o_idx) == len(names) and np.all(np.abs(rho) < 1.0):
                gamma = _nacov(cat_mat, ext, n_levels, (ii, jj), freq, rho)
            elif len(o_idx) == len(names):
                warn(messages, "A 2 x 2 table with two empty cells gives a correlation of exactly +-1 (as lavaan): "
                               "the asymptotic covariance (gamma) is undefined and is not given; drop one of the "
                               "two items.")
    if len(o_idx) < len(names):
        _mixed(data, names, o_idx, corr, messages)
    return PolychoricResult(correlation=pd.DataFrame(corr, index=names, columns=names),
                            thresholds=pd.Series(th_values, index=th_names, dtype=float), gamma=gamma,
                            n_obs=n_obs, warnings=tuple(messages))


def _mixed(data: pd.DataFrame, names: list[str], o_idx: list[int], corr: np.ndarray,
           messages: list[str]) -> None:
    """Fill the polyserial (ordinal x continuous) and Pearson (continuous pairs) correlations in place."""
    c_idx = [j for j in range(len(names)) if j not in o_idx]
    frame = data.copy()
    frame.columns = names
    for a in c_idx:
        for b in range(len(names)):
            if b == a or (b in c_idx and b < a):
                continue
            if b in c_idx:
                value = _bvreg_rho(frame.iloc[:, a], frame.iloc[:, b])
            else:
                value = polyserial(frame.iloc[:, a], frame.iloc[:, b])
            corr[a, b] = corr[b, a] = value
    warn(messages, "Some columns are continuous: the asymptotic covariance (gamma) is computed when every item "
                   "is ordered, so it is not given here.")
