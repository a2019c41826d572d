"""Cronbach's alpha with psych's conventions, Feldt and vectorised BCa bootstrap intervals.

:func:`cronbach_alpha` reproduces ``psych::alpha`` (psych 2.2.9, the Debian reference):

- covariances are pairwise-complete (``alpha``'s default ``use = "pairwise"``); ``alpha`` (psych's
  ``raw_alpha``) is ``k / (k - 1) * (1 - tr(C) / sum(C))`` and ``std_alpha`` the same formula on
  ``cov2cor(C)``;
- per item, ``r_drop`` is the correlation of the item with the sum of the other items computed from ``C``
  (psych's ``r.drop``) and ``alpha_if_dropped`` is ``raw_alpha`` of the other items (psych's
  ``alpha.drop$raw_alpha``). With two items "alpha if dropped" is undefined (one item is left): it is NaN
  and a warning says so (psych prints a ratio of covariances there);
- reverse keying: psych flips the sign of a keyed item's row and column of ``C`` and, for item means and
  scores, replaces it by ``(max + min) - x`` with the *observed* maximum and minimum over all items. Alpha,
  ``r_drop`` and ``alpha_if_dropped`` do not depend on the constant; item means do. With ``scale=(lo, hi)``
  the reversal is ``(lo + hi) - x`` on the declared response scale instead (the values must then lie in it);
- ``n`` is the number of rows of the table, rows with every item missing included, as psych's ``nsub``
  (``nrow(x)``), and the Feldt interval is ``psych::alpha.ci`` with that ``n`` (the same as
  ``pingouin.cronbach_alpha``'s, unrounded, when no row is blank). Blank rows change nothing else (the
  covariances are pairwise); when there are some, a warning gives their count and the ``n`` used. The BCa
  bootstrap resamples the respondents with at least one answer (a blank row carries no information).

The BCa bootstrap interval (Efron & Tibshirani 1993, sections 14.3 and 15.4) resamples respondents. All
resamples are computed at once: the resampled pairwise sums are products of the resampling counts with
per-row cross-products, so 2,000 resamples cost a few matrix products (``benchmarks/bench_measurement.py``
measures the speed-up over a loop of ``pingouin.cronbach_alpha``). The acceleration comes from the
leave-one-respondent-out jackknife, and the bias correction and quantiles follow
``scipy.stats.bootstrap(method="BCa")`` exactly: with the same seed, the resamples are those drawn by
``numpy.random.default_rng(seed).integers(0, n, (n_boot, n))`` and the interval equals SciPy's (tested).

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16, 297-334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
*Applied Psychological Measurement*, 11, 93-103.
Revelle, W. (2022). psych: Procedures for Psychological, Psychometric, and Personality Research, 2.2.9
(``alpha``, ``alpha.ci``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import special, stats

from alliance_stats.core.constants import DEFAULT_CONF_LEVEL, DEFAULT_SEED
from alliance_stats.core.errors import DataQualityWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.data.scoring import reflect_on_scale
from alliance_stats.measurement._itemdata import as_item_frame, check_pairs, pairwise_cov

__all__ = ["AlphaResult", "cronbach_alpha", "reliability_table", "reverse_key_items",
           "alpha_from_cov", "check_scale"]

CIMethod = Literal["feldt", "bootstrap"]

# Bound on the number of (resample x row) cells held in memory at once by the batched bootstrap.
_BATCH_CELLS = 4_000_000


def alpha_from_cov(C: np.ndarray) -> np.ndarray:
    """Raw alpha of one covariance matrix ``(k, k)`` or a stack ``(..., k, k)``."""
    k = C.shape[-1]
    trace = np.trace(C, axis1=-2, axis2=-1)
    total = C.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return k / (k - 1) * (1.0 - trace / total)


def _cov2cor(C: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.diag(C))
    return C / np.outer(d, d)


def reverse_key_items(items: pd.DataFrame, reverse: Sequence[str], *, scale: tuple[float, float] | None = None
                      ) -> pd.DataFrame:
    """Reverse-key ``reverse`` as ``psych::alpha`` with ``keys`` does: ``(max + min) - x`` with the
    observed maximum and minimum over *all* items, or ``(lo + hi) - x`` when ``scale=(lo, hi)`` is given.

    Parameters
    ----------
    items
        One column per item (not modified).
    reverse
        Names of the items to reverse-key.
    scale
        ``(lowest, highest)`` of the response scale; default the observed extremes over all items (psych).

    Returns
    -------
    DataFrame
        A copy with the ``reverse`` items reflected.

    References
    ----------
    Revelle, W. (2022). psych 2.2.9, ``alpha(keys = )`` and ``reverse.code``.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1, 2, 5], "b": [2, 4, 4]})
    >>> reverse_key_items(frame, ["b"])["b"].tolist()
    [4.0, 2.0, 2.0]
    >>> reverse_key_items(frame, ["b"], scale=(1, 7))["b"].tolist()
    [6.0, 4.0, 4.0]
    """
    names = [str(c) for c in items.columns]
    unknown = [r for r in reverse if r not in names]
    if unknown:
        raise SpecificationError(f"cannot reverse-key {', '.join(map(str, unknown))}: not among the items "
                                 f"({', '.join(names)})", column=str(unknown[0]),
                                 fix="name items of the scale in `reverse`")
    out = items.copy()
    if not reverse:
        return out
    if scale is not None:
        low, high = check_scale(items, scale)
    else:
        values = items.to_numpy(dtype=float)
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
    for name in dict.fromkeys(reverse):
        out[name] = reflect_on_scale(out[name], low, high)
    return out


def check_scale(items: pd.DataFrame, scale: tuple[float, float]) -> tuple[float, float]:
    """The declared response scale as ``(low, high)`` floats; raises if it is not an increasing pair or if a
    value of ``items`` lies outside it."""
    try:
        low, high = (float(v) for v in scale)
    except (TypeError, ValueError):
        raise SpecificationError(f"scale must be a pair (lowest, highest), got {scale!r}", value=scale,
                                 fix="pass for example scale=(1, 7)") from None
    if not low < high:
        raise SpecificationError(f"scale must go from a lower to a higher value, got {scale!r}", value=scale,
                                 fix="pass for example scale=(1, 7)")
    for name in items.columns:
        col = items[name].to_numpy(dtype=float)
        outside = np.flatnonzero((col < low) | (col > high))
        if outside.size:
            row = int(outside[0])
            raise SpecificationError(f"item {name} has a value outside the scale {low:g}-{high:g}", column=str(name),
                                     row=row + 1, value=col[row],
                                     fix="recode the value as missing or declare the right scale")
    return low, high


@dataclass(frozen=True)
class AlphaResult(Result):
    """Cronbach's alpha of one scale.

    Attributes
    ----------
    alpha
        Raw alpha (psych's ``raw_alpha``).
    std_alpha
        Standardised alpha (psych's ``std.alpha``), from the correlation matrix.
    ci
        ``(low, high)`` confidence interval or ``None`` (``ci=None``).
    ci_method, conf_level
        ``"feldt"`` or ``"bootstrap"`` (BCa), and the confidence level (0.95).
    n, k
        Respondents (rows with at least one answer) and items.
    average_r
        Mean inter-item correlation (psych's ``average_r``).
    items
        DataFrame indexed by item: ``r_drop``, ``alpha_if_dropped`` (as psych's ``r.drop`` and
        ``alpha.drop$raw_alpha``), ``reversed``, ``n``, ``mean``, ``sd`` (after reverse keying).
    reverse, scale
        The reverse-keyed items and the declared scale, if any.
    n_boot, seed
        Bootstrap settings (``ci="bootstrap"``).
    warnings
        Statistical warnings (also raised as :class:`~alliance_stats.core.errors.AnalysisWarning`).
    """

    alpha: float
    std_alpha: float
    ci: tuple[float, float] | None
    ci_method: str | None
    conf_level: float
    n: int
    k: int
    average_r: float
    items: pd.DataFrame
    reverse: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    n_boot: int | None = None
    seed: int | None = None
    warnings: tuple[str, ...] = ()

    def summary(self) -> dict[str, float | int | None]:
        """The one-row figures of the scale (for :func:`reliability_table`)."""
        low, high = self.ci if self.ci is not None else (np.nan, np.nan)
        return {"k": self.k, "n": self.n, "alpha": self.alpha, "ci_low": low, "ci_high": high,
                "std_alpha": self.std_alpha, "average_r": self.average_r}

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``reliability_items``: item table (corrected item-total correlation, alpha if the item is dropped);
        alpha, its interval and the standardised alpha are in the note."""
        check_lang(lang)
        frame = pd.DataFrame(
            {
                tr("measurement.n", lang): self.items["n"],
                tr("measurement.mean", lang): self.items["mean"],
                tr("measurement.sd", lang): self.items["sd"],
                tr("measurement.r_drop", lang): self.items["r_drop"],
                tr("measurement.alpha_if_dropped", lang): self.items["alpha_if_dropped"],
            },
            index=pd.Index([f"{i} (R)" if rev else i for i, rev in zip(self.items.index, self.items["reversed"],
                                                                         strict=True)],
                           name=tr("measurement.item", lang)),
        )
        formats = {tr("measurement.n", lang): "int", tr("measurement.mean", lang): "f2",
                   tr("measurement.sd", lang): "f2", tr("measurement.r_drop", lang): "r2",
                   tr("measurement.alpha_if_dropped", lang): "r2"}
        return {"reliability_items": Table(key="reliability_items", title=tr("measurement.alpha_title", lang),
                                           frame=frame, note=_alpha_note(self, lang), formats=formats, lang=lang,
                                           show_index=True)}


def _num(x: float, lang: str, digits: int = 2) -> str:
    text = f"{x:.{digits}f}"
    if text.startswith("0."):
        text = text[1:]
    elif text.startswith("-0."):
        text = "-" + text[2:]
    return text.replace(".", ",") if lang == "fr" else text


def _alpha_note(result: AlphaResult, lang: str) -> str:
    parts = [tr("measurement.alpha_note", lang).format(alpha=_num(result.alpha, lang),
                                                         std=_num(result.std_alpha, lang), n=result.n, k=result.k)]
    if result.ci is not None:
        method = tr(f"measurement.ci.{result.ci_method}", lang)
        sep = " ; " if lang == "fr" else ", "
        parts.append(tr("measurement.alpha_ci_note", lang).format(
            level=int(round(100 * result.conf_level)), method=method,
            interval=f"[{_num(result.ci[0], lang)}{sep}{_num(result.ci[1], lang)}]"))
    if result.reverse:
        parts.append(tr("measurement.reversed_note", lang))
    return " ".join(parts)


def _feldt(alpha: float, n: int, k: int, conf_level: float) -> tuple[float, float]:
    """``psych::alpha.ci``: F-distribution interval of Feldt, Woodruff & Salih (1987)."""
    tail = (1.0 - conf_level) / 2.0
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1.0 - (1.0 - alpha) * stats.f.ppf(1.0 - tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


class _PairwiseSums:
    """Per-row cross-products whose weighted sums give pairwise covariances for any row weights.

    With row weights ``w`` (bootstrap counts, or jackknife 0/1), the pairwise-complete covariance of items
    i and j is ``(Sxx - Sx_i Sx_j / N) / (N - 1)`` with ``N = sum w m_i m_j``, ``Sx_i = sum w x_i m_j``,
    ``Sxx = sum w x_i x_j`` (x centred, 0 where missing; m the answered mask), as R's
    ``cov(use = "pairwise")`` computes it on the weighted (duplicated) rows.
    """

    def __init__(self, X: np.ndarray) -> None:
        n, k = X.shape
        observed = ~np.isnan(X)
        Z = np.where(observed, X - np.nanmean(X, axis=0), 0.0)
        self.k = k
        self.complete = bool(observed.all())
        self.cross = (Z[:, :, None] * Z[:, None, :]).reshape(n, k * k)
        if self.complete:
            self.first = Z
        else:
            M = observed.astype(float)
            self.first = (Z[:, :, None] * M[:, None, :]).reshape(n, k * k)
            self.count = (M[:, :, None] * M[:, None, :]).reshape(n, k * k)

    def cov(self, W: np.ndarray) -> np.ndarray:
        """Covariance matrices ``(B, k, k)`` for row weights ``W`` of shape ``(B, n)``."""
        k = self.k
        B = W.shape[0]
        Sxx = (W @ self.cross).reshape(B, k, k)
        if self.complete:
            N = W.sum(axis=1)[:, None, None]
            Sx = W @ self.first
            return (Sxx - Sx[:, :, None] * Sx[:, None, :] / N) / (N - 1)
        N = (W @ self.count).reshape(B, k, k)
        Sx = (W @ self.first).reshape(B, k, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            C = (Sxx - Sx * np.swapaxes(Sx, 1, 2) / N) / (N - 1)
        C[N < 2] = np.nan
        return C

    def leave_one_out(self, rows: slice) -> np.ndarray:
        """Jackknife covariance matrices for leaving out each row of ``rows`` (one at a time)."""
        k = self.k
        cross_total = self.cross.sum(axis=0)
        Sxx = (cross_total[None, :] - self.cross[rows]).reshape(-1, k, k)
        B = Sxx.shape[0]
        if self.complete:
            n = self.cross.shape[0]
            Sx = self.first.sum(axis=0)[None, :] - self.first[rows]
            return (Sxx - Sx[:, :, None] * Sx[:, None, :] / (n - 1)) / (n - 2)
        N = (self.count.sum(axis=0)[None, :] - self.count[rows]).reshape(B, k, k)
        Sx = (self.first.sum(axis=0)[None, :] - self.first[rows]).reshape(B, k, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            C = (Sxx - Sx * np.swapaxes(Sx, 1, 2) / N) / (N - 1)
        C[N < 2] = np.nan
        return C


def bootstrap_alpha(X: np.ndarray, n_boot: int, seed: int | np.random.Generator | None,
                    signs: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap and jackknife distributions of raw alpha, all resamples at once.

    Resample ``b`` takes rows ``default_rng(seed).integers(0, n, (n_boot, n))[b]``. ``signs`` (+1/-1 per
    item) reverse-keys items by flipping their covariances. Returns ``(boot, jack)``.
    """
    n, k = X.shape
    if signs is not None:
        X = X * signs  # a sign flip has the covariances of any reversal (max + min) - x
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    index = rng.integers(0, n, (n_boot, n))
    sums = _PairwiseSums(X)
    boot = np.empty(n_boot)
    step = max(1, _BATCH_CELLS // n)
    offsets = np.arange(step)[:, None] * n
    for start in range(0, n_boot, step):
        block = index[start:start + step]
        b = block.shape[0]
        counts = np.bincount((block + offsets[:b]).ravel(), minlength=b * n).reshape(b, n).astype(float)
        boot[start:start + b] = alpha_from_cov(sums.cov(counts))
    jack = np.empty(n)
    jstep = max(1, _BATCH_CELLS // (k * k))
    for start in range(0, n, jstep):
        rows = slice(start, min(n, start + jstep))
        jack[rows] = alpha_from_cov(sums.leave_one_out(rows))
    return boot, jack


def bca_interval(estimate: float, boot: np.ndarray, jack: np.ndarray, conf_level: float = DEFAULT_CONF_LEVEL
                 ) -> tuple[float, float]:
    """BCa interval from a bootstrap and a jackknife distribution, as ``scipy.stats.bootstrap``:
    ``z0`` from the share of resamples below the estimate (ties count half), acceleration
    ``sum(U^3) / (6 sum(U^2)^1.5)`` with ``U`` the jackknife deviations, linear-interpolation quantiles."""
    B = boot.size
    share = (np.count_nonzero(boot < estimate) + np.count_nonzero(boot <= estimate)) / (2.0 * B)
    z0 = special.ndtri(share)
    n = jack.size
    U = (n - 1) * (jack.mean() - jack)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = (np.sum(U ** 3) / n ** 3) / (6.0 * (np.sum(U ** 2) / n ** 2) ** 1.5)
    tail = (1.0 - conf_level) / 2.0
    z_low, z_high = special.ndtri(tail), special.ndtri(1.0 - tail)
    p_low = special.ndtr(z0 + (z0 + z_low) / (1.0 - a * (z0 + z_low)))
    p_high = special.ndtr(z0 + (z0 + z_high) / (1.0 - a * (z0 + z_high)))
    if not (np.isfinite(p_low) and np.isfinite(p_high)):
        return float("nan"), float("nan")
    low, high = np.quantile(boot, [p_low, p_high])
    return float(low), float(high)


def _rows_counted(items: pd.DataFrame | np.ndarray, frame: pd.DataFrame, messages: list[str]) -> int:
    """psych's ``nsub = nrow(x)``: every row, those with no answer at all included (a warning counts them)."""
    n = int(np.shape(items)[0])
    blank = n - len(frame)
    if blank:
        warn(messages, f"{blank} of {n} rows have no answer on any item; they are counted in n = {n} (psych's "
                        f"nrow convention, used by the Feldt interval); {len(frame)} rows have an answer",
             DataQualityWarning)
    return n


def cronbach_alpha(
    items: pd.DataFrame,
    *,
    reverse: Sequence[str] = (),
    ci: CIMethod | None = "feldt",
    n_boot: int = 2000,
    seed: int | None = DEFAULT_SEED,
    scale: tuple[float, float] | None = None,
    conf_level: float = DEFAULT_CONF_LEVEL,
) -> AlphaResult:
    """Cronbach's alpha of a scale, as ``psych::alpha`` (psych 2.2.9).

    Parameters
    ----------
    items
        One column per item, one row per respondent; missing values allowed (pairwise covariances). Every
        row counts in ``n`` (used by the Feldt interval), rows with no answer at all included, as psych's
        ``nrow(x)``; a warning says how many rows are blank.
    reverse
        Items to reverse-key before computing (psych's ``keys``).
    ci
        ``"feldt"`` (``psych::alpha.ci``), ``"bootstrap"`` (BCa over respondents) or ``None``.
    n_boot, seed
        Bootstrap resamples and seed (``ci="bootstrap"``); the same seed gives the same interval (default
        :data:`~alliance_stats.core.constants.DEFAULT_SEED`; ``None``: fresh entropy).
    scale
        ``(lowest, highest)`` of the response scale: reversal then uses ``(lowest + highest) - x`` instead of
        the observed extremes (this changes the reversed items' means, not alpha).
    conf_level
        Confidence level of the interval.

    Returns
    -------
    AlphaResult

    Raises
    ------
    SpecificationError
        Fewer than two items, a text or constant item, an unknown item in ``reverse``, a value outside
        ``scale``, or two items never answered together.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*, 16,
    297-334.
    Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for coefficient alpha.
    *Applied Psychological Measurement*, 11, 93-103.
    Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*. Chapman & Hall (BCa).
    Revelle, W. (2022). psych 2.2.9, ``alpha`` and ``alpha.ci``; pingouin's ``cronbach_alpha``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=300)
    >>> items = pd.DataFrame({f"i{j}": f + rng.normal(size=300) for j in range(4)})
    >>> res = cronbach_alpha(items)
    >>> round(res.alpha, 2), res.k, res.n
    (0.74, 4, 300)
    >>> [round(x, 3) for x in res.ci]
    [0.692, 0.788]
    """
    frame = as_item_frame(items, min_items=2, what="Cronbach's alpha")
    names = list(frame.columns)
    reverse = tuple(str(r) for r in reverse)
    if ci not in (None, "feldt", "bootstrap"):
        raise SpecificationError(f"unknown interval method {ci!r}", value=ci, fix="use 'feldt', 'bootstrap' or None")
    if not 0 < conf_level < 1:
        raise SpecificationError(f"conf_level must be between 0 and 1, got {conf_level}", value=conf_level,
                                 fix="pass for example 0.95")
    if scale is not None:
        scale = check_scale(frame, scale)
    keyed = reverse_key_items(frame, reverse, scale=scale)
    messages: list[str] = []
    k = len(names)
    n = _rows_counted(items, frame, messages)

    C, _ = pairwise_cov(keyed.to_numpy())
    check_pairs(C, names, "Cronbach's alpha")
    R = _cov2cor(C)
    alpha = float(alpha_from_cov(C))
    std_alpha = float(k / (k - 1) * (1.0 - k / R.sum()))
    average_r = float((R.sum() - k) / (k * (k - 1)))

    r_drop = np.empty(k)
    alpha_drop = np.full(k, np.nan)
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        v_drop = C[np.ix_(rest, rest)].sum()
        c_drop = C[:, i].sum() - C[i, i]
        r_drop[i] = c_drop / np.sqrt(C[i, i] * v_drop)
        if k > 2:
            alpha_drop[i] = alpha_from_cov(C[np.ix_(rest, rest)])
    if k == 2:
        warn(messages, "alpha if an item is dropped is undefined with two items (one item would remain)")

    values = keyed.to_numpy()
    items_frame = pd.DataFrame(
        {
            "r_drop": r_drop,
            "alpha_if_dropped": alpha_drop,
            "reversed": [name in reverse for name in names],
            "n": (~np.isnan(values)).sum(axis=0),
            "mean": np.nanmean(values, axis=0),
            "sd": np.nanstd(values, axis=0, ddof=1),
        },
        index=pd.Index(names, name="item"),
    )
    negative = [name for name, r in zip(names, r_drop, strict=True) if r < 0]
    if negative:
        warn(messages, f"item(s) {', '.join(negative)} correlate negatively with the rest of the scale: "
                        "check whether they should be reverse-keyed", DataQualityWarning)
    if alpha < 0:
        warn(messages, f"alpha is negative ({alpha:.3f}): the items do not covary positively on average",
              DataQualityWarning)

    interval: tuple[float, float] | None = None
    if ci == "feldt":
        interval = _feldt(alpha, n, k, conf_level)
    elif ci == "bootstrap":
        if int(n_boot) < 100:
            raise SpecificationError(f"n_boot must be at least 100 for a BCa interval, got {n_boot}", value=n_boot,
                                     fix="use n_boot=2000")
        signs = np.where([name in reverse for name in names], -1.0, 1.0)
        boot, jack = bootstrap_alpha(frame.to_numpy(), int(n_boot), seed, signs)
        bad = int(np.count_nonzero(~np.isfinite(boot)))
        if bad:
            warn(messages, f"{bad} bootstrap resample(s) left alpha undefined (an item without variance or two "
                            "items never answered together) and were discarded")
            boot = boot[np.isfinite(boot)]
        jack = jack[np.isfinite(jack)]
        interval = bca_interval(alpha, boot, jack, conf_level)
        if not np.isfinite(interval).all():
            warn(messages, "the BCa interval cannot be computed (degenerate bootstrap distribution)")
            interval = None
    return AlphaResult(alpha=alpha, std_alpha=std_alpha, ci=interval, ci_method=ci if interval else None,
                       conf_level=conf_level, n=n, k=k, average_r=average_r, items=items_frame, reverse=reverse,
                       scale=scale, n_boot=int(n_boot) if ci == "bootstrap" else None,
                       seed=seed if ci == "bootstrap" else None, warnings=tuple(messages))


def reliability_table(results: Mapping[str, AlphaResult], lang: str = "en") -> Table:
    """One row per scale: items, respondents, alpha with its interval, standardised alpha, mean inter-item
    correlation (the reliability table of a validation paper).

    Parameters
    ----------
    results
        Scale name -> :func:`cronbach_alpha` result.
    lang
        ``"en"`` or ``"fr"``.

    Returns
    -------
    Table
        Key ``reliability``.

    References
    ----------
    Revelle, W. (2022). psych 2.2.9, ``alpha`` (``raw_alpha``, ``std.alpha``, ``average_r``).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=200)
    >>> items = pd.DataFrame({f"i{j}": f + rng.normal(size=200) for j in range(3)})
    >>> reliability_table({"S": cronbach_alpha(items)}).frame.columns.tolist()
    ['Items', 'n', 'alpha', 'CI lower', 'CI upper', 'Standardised alpha', 'Mean inter-item r']
    """
    check_lang(lang)
    rows = {name: res.summary() for name, res in results.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    columns = {"k": tr("measurement.k", lang), "n": tr("measurement.n", lang), "alpha": "alpha",
               "ci_low": tr("measurement.ci_low", lang), "ci_high": tr("measurement.ci_high", lang),
               "std_alpha": tr("measurement.std_alpha", lang), "average_r": tr("measurement.average_r", lang)}
    frame = frame.rename(columns=columns)
    frame.index.name = tr("measurement.scale", lang)
    formats = {columns["k"]: "int", columns["n"]: "int", "alpha": "r2", columns["ci_low"]: "r2",
               columns["ci_high"]: "r2", columns["std_alpha"]: "r2", columns["average_r"]: "r2"}
    methods = sorted({tr(f"measurement.ci.{r.ci_method}", lang) for r in results.values() if r.ci_method})
    note = tr("measurement.reliability_note", lang)
    if methods:
        note += " " + tr("measurement.ci_methods", lang).format(methods=", ".join(methods))
    return Table(key="reliability", title=tr("measurement.reliability_title", lang), frame=frame, note=note,
                 formats=formats, lang=lang, show_index=True)
