"""Fit indices of a CFA as lavaan 0.6-14 ``fitMeasures`` computes them.

Chi-square (``N x F_ML``, summed over groups) and its baseline (independence model), CFI, TLI, RMSEA with its
90 % interval (``lav_fit_rmsea_ci``, inverting the noncentral chi-square), SRMR (Bentler's, means included
with a mean structure), log-likelihoods, AIC, BIC and the sample-size adjusted BIC; the scaled (Satorra-Bentler,
Yuan-Bentler) and robust (Brosseau-Liard, Savalei and Li 2012, 2014) variants from a scaling factor.
Hand-written because they are lavaan's formulas applied to this package's own estimator (see
:mod:`alliance_stats.measurement.cfa.api`); each is checked against lavaan in ``tests/measurement``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import special

from alliance_stats.measurement.cfa import engine, fiml

__all__ = ["FIT_MEASURES", "cfi", "fit_measures", "noncentrality", "rmsea", "rmsea_ci", "robust_indices",
           "scaled_fit", "srmr", "tli"]

FIT_MEASURES = (
    "npar", "fmin", "chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "baseline.pvalue", "cfi",
    "tli", "logl", "unrestricted.logl", "aic", "bic", "ntotal", "bic2", "rmsea", "rmsea.ci.lower",
    "rmsea.ci.upper", "rmsea.pvalue", "srmr",
)


def rmsea(chisq: float, df: float, n: float, g: int, c_hat: float = 1.0) -> float:
    """lavaan's ``lav_fit_rmsea`` (``c_hat``: the scaling factor of the robust RMSEA)."""
    if df <= 0:
        return 0.0
    return math.sqrt(max(chisq / n / df - c_hat / n, 0.0)) * math.sqrt(g)


def cfi(chisq: float, df: float, base_chisq: float, base_df: float, c_hat: float = 1.0,
         c_base: float = 1.0) -> float:
    """lavaan's ``lav_fit_cfi`` (``c_hat``, ``c_base``: scaling factors of the robust CFI)."""
    t1 = max(chisq - c_hat * df, 0.0)
    t2 = max(chisq - c_hat * df, base_chisq - c_base * base_df, 0.0)
    return 1.0 if (abs(t1) < 1.5e-8 and abs(t2) < 1.5e-8) else 1.0 - t1 / t2


def tli(chisq: float, df: float, base_chisq: float, base_df: float, c_hat: float = 1.0,
         c_base: float = 1.0) -> float:
    """lavaan's ``lav_fit_tli`` (``c_hat``, ``c_base``: scaling factors of the robust TLI)."""
    tt2 = (base_chisq - c_base * base_df) * df
    return 1.0 - (chisq - c_hat * df) * base_df / tt2 if (df > 0 and abs(tt2) > 0) else 1.0


def pchisq(x: float, df: float, ncp: float) -> float:
    """R's ``pchisq(x, df, ncp)`` (scipy.special ufuncs: the same values as scipy.stats, without its
    per-call overhead)."""
    return float(special.chdtr(df, x) if ncp <= 0 else special.chndtr(x, df, ncp))


def rmsea_ci(chisq: float, df: float, n: float, g: int, level: float = 0.90,
              c_hat: float = 1.0) -> tuple[float, float]:
    """lavaan's ``lav_fit_rmsea_ci``: noncentrality parameters where the noncentral chi-square puts
    ``chisq`` at the 95th and 5th percentiles (times ``c_hat`` for the robust RMSEA), each found by
    :func:`noncentrality`."""
    if df < 1 or not math.isfinite(chisq):
        return 0.0, 0.0
    upper_p, lower_p = 1 - (1 - level) / 2, (1 - level) / 2
    at_zero = pchisq(chisq, df, 0.0)
    if at_zero - upper_p < 0:
        lower = 0.0
    else:
        lam = noncentrality(chisq, df, upper_p, chisq, at_zero)
        lower = math.sqrt(c_hat * lam / (n * df)) * math.sqrt(g)
    n_rmsea = max(n, chisq * 4)
    if pchisq(chisq, df, n_rmsea) - lower_p > 0 or at_zero - lower_p < 0:
        upper = 0.0
    else:
        lam = noncentrality(chisq, df, lower_p, n_rmsea, at_zero)
        upper = math.sqrt(c_hat * lam / (n * df)) * math.sqrt(g)
    return lower, upper


def noncentrality(x: float, df: float, p: float, high: float, at_zero: float) -> float:
    """The noncentrality ``lam`` in ``[0, high]`` where R's ``pchisq(x, df, lam) = p`` (``at_zero``: its value at
    ``lam = 0``, at least ``p``; the value at ``high`` at most ``p``): the root lavaan's ``uniroot`` finds, to
    ``1e-12`` (brentq's ``xtol``; ``tests/measurement/test_cfa_overhead.py`` compares the two).

    Newton steps on the exact derivative ``d pchisq(x, df, lam) / d lam = (pchisq(x, df + 2, lam) - pchisq(x, df,
    lam)) / 2`` from the normal approximation of the noncentral chi-square (``x = df + lam + z_p sqrt(2 (df + 2
    lam))``), kept inside the bracket (a bisection step when a Newton step would leave it); it stops when the
    step falls below ``1e-12``, or when the quadratic convergence of the last two steps puts the next one below
    ``1e-15`` of the root: about 8 evaluations of ``pchisq`` per root where brentq from ``[0, high]`` took 15
    (issue 17: the interval was half of the fit measures' cost on a small model).

    Parameters
    ----------
    x, df
        The statistic and its degrees of freedom.
    p
        The probability to reach (0 < p < 1).
    high
        Upper end of the bracket.
    at_zero
        ``pchisq(x, df, 0)``.

    Returns
    -------
    float

    References
    ----------
    lavaan 0.6-14 ``lav_fit_rmsea_ci``; Johnson, Kotz and Balakrishnan (1995), *Continuous Univariate
    Distributions*, vol. 2, ch. 29 (the derivative in the noncentrality parameter).

    Examples
    --------
    >>> lam = noncentrality(85.3055, 24.0, 0.95, 85.3055, pchisq(85.3055, 24.0, 0.0))
    >>> round(lam, 6), round(pchisq(85.3055, 24.0, lam), 12)
    (36.846723, 0.95)
    """
    if at_zero == p:
        return 0.0
    z = float(special.ndtri(p))
    centred = x - df
    half = centred + 2.0 * z * z
    disc = half * half - (centred * centred - 2.0 * z * z * df)
    low, up = 0.0, high
    lam = half - math.copysign(math.sqrt(disc), z) if disc >= 0 else 0.5 * high
    if not 0.0 < lam < high:
        lam = 0.5 * high
    last = math.inf  # the last Newton step (inf after a bisection)
    for _ in range(200):
        value = pchisq(x, df, lam)
        if value == p:
            return lam
        if value > p:
            low = lam
        else:
            up = lam
        slope = 0.5 * (pchisq(x, df + 2.0, lam) - value)
        step = (value - p) / slope if slope < 0 else math.nan
        new = lam - step
        if not low < new < up:  # also a NaN step
            new, step = 0.5 * (low + up), math.inf
        if abs(new - lam) <= 1e-12:
            return new
        # quadratic convergence (step_next ~ K step^2, K ~ |step| / last^2): a small step whose successor would fall
        # below 1e-15 of the root ends the search
        size = abs(step)
        if size < 1e-5 * max(new, 1.0) and size < abs(last) and size**3 < 1e-15 * max(new, 1.0) * last * last:
            return new
        last = step
        lam = new
    return lam


def srmr(groups: list[engine.GroupData], implied: list[tuple[np.ndarray, np.ndarray]], meanstructure: bool,
          n_total: int) -> float:
    """lavaan's ``srmr`` (``srmr_bentler``): residuals scaled by the observed standard deviations
    (``lav_residuals_rescale``: residuals below 1e-5 left unscaled), root mean square over the
    non-duplicated elements (and the means with a mean structure), groups weighted by N_g / N."""
    total = 0.0
    for data, (sigma, mu) in zip(groups, implied, strict=True):
        s, m = data.cov, data.mean
        sd = np.sqrt(np.diag(s))
        resid = s - sigma
        scale = 1.0 / np.outer(sd, sd)
        scale[np.abs(resid) < 1e-5] = 1.0
        r = (resid * scale)[_lower_triangle(len(sd))]
        pieces = [r]
        if meanstructure:
            mres = m - mu
            mscale = 1.0 / sd
            mscale[np.abs(mres) < 1e-5] = 1.0
            pieces.append(mres * mscale)
        values = np.concatenate(pieces)
        total += data.n / n_total * math.sqrt(np.sum(values**2) / values.size)
    return total


@functools.lru_cache(maxsize=16)
def _lower_triangle(p: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.tril_indices(p)``, built once per size (read-only)."""
    rows, cols = np.tril_indices(p)
    rows.setflags(write=False)
    cols.setflags(write=False)
    return rows, cols


def baseline_minus2logl(groups: list[engine.GroupData]) -> float:
    """-2 log L of lavaan's baseline (independence) model: free means and variances, no covariances.
    Its ML estimates are the (available-case) means and variances of each item."""
    total = 0.0
    for data in groups:
        if data.patterns is None:
            total += data.n * (np.sum(np.log(np.diag(data.cov))) + data.cov.shape[0] * (1 + engine.LOG_2PI))
            continue
        assert data.layout is not None
        values, mask = data.layout.values, data.layout.mask  # answers (0 where missing) and where answered
        count = mask.sum(axis=0, dtype=float)
        mean = values.sum(axis=0) / count
        var = np.sum(mask * (values - mean) ** 2, axis=0) / count
        total += float(np.sum(count * (np.log(var) + 1 + engine.LOG_2PI)))
    return total


def saturated_minus2logl(groups: list[engine.GroupData]) -> float:
    """-2 log L of the saturated model at its estimates (the sample moments; the EM moments under FIML)."""
    total = 0.0
    for data in groups:
        p = data.cov.shape[0]
        if data.patterns is None:
            sign, logdet = np.linalg.slogdet(data.cov)
            total += data.n * (logdet + p + p * engine.LOG_2PI)
            continue
        assert data.layout is not None
        terms = fiml.evaluate(data.layout, data.cov, data.mean)
        total += math.nan if terms is None else terms.value
    return total


def fit_measures(model: engine.CFAModel, outcome: engine.FitOutcome, groups: list[engine.GroupData],
                  implied: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    p = model.p
    n_groups = len(groups)
    n_total = model.n_total
    moments = n_groups * (p * (p + 1) // 2 + (p if model.meanstructure else 0))
    npar = model.k
    df = moments - npar
    m2ll = outcome.minus2logl
    m2ll_h1 = saturated_minus2logl(groups)
    m2ll_base = baseline_minus2logl(groups)
    chisq = m2ll - m2ll_h1
    if abs(chisq) < 1e-9 * abs(m2ll_h1):  # rounding noise of two equal likelihoods: never negative, and exactly 0
        chisq = 0.0 if df == 0 else max(chisq, 0.0)  # for a just-identified model (it reproduces the moments)
    base_chisq = m2ll_base - m2ll_h1
    base_df = n_groups * (p * (p - 1) // 2)
    logl = -0.5 * m2ll
    fit: dict[str, float] = {
        "npar": float(npar),
        "fmin": chisq / (2.0 * n_total),
        "chisq": chisq,
        "df": float(df),
        "pvalue": float(special.chdtrc(df, chisq)) if df > 0 else math.nan,
        "baseline.chisq": base_chisq,
        "baseline.df": float(base_df),
        "baseline.pvalue": float(special.chdtrc(base_df, base_chisq)),
    }
    fit["cfi"] = cfi(chisq, df, base_chisq, base_df)
    fit["tli"] = tli(chisq, df, base_chisq, base_df)
    fit["logl"] = logl
    fit["unrestricted.logl"] = -0.5 * m2ll_h1
    fit["aic"] = -2.0 * logl + 2.0 * npar
    fit["bic"] = -2.0 * logl + npar * math.log(n_total)
    fit["ntotal"] = float(n_total)
    fit["bic2"] = -2.0 * logl + npar * math.log((n_total + 2.0) / 24.0)
    fit["rmsea"] = rmsea(chisq, df, n_total, n_groups)
    fit["rmsea.ci.lower"], fit["rmsea.ci.upper"] = rmsea_ci(chisq, df, n_total, n_groups)
    fit["rmsea.pvalue"] = (1.0 - pchisq(chisq, df, n_total * df * 0.05**2 / n_groups)) if df > 0 else math.nan
    fit["srmr"] = srmr(groups, implied, model.meanstructure, n_total)
    return {key: float(value) for key, value in fit.items()}


def scaled_fit(fit: dict[str, float], trace: float, trace_base: float, n: int, g: int, robust: bool) -> None:
    """Add lavaan's scaled (and, when ``robust``, Brosseau-Liard and Savalei's robust) test and fit indices to
    ``fit`` from ``tr(U Gamma)`` of the model and of the baseline model."""
    df, base_df = fit["df"], fit["baseline.df"]
    trace = trace if df > 0 else 0.0
    c = trace / df if df > 0 else math.nan
    c_base = trace_base / base_df
    chisq = fit["chisq"] / c if df > 0 else 0.0
    base_chisq = fit["baseline.chisq"] / c_base
    fit.update({
        "chisq.scaled": chisq, "df.scaled": df,
        "pvalue.scaled": float(special.chdtrc(df, chisq)) if df > 0 else math.nan,
        "chisq.scaling.factor": c,
        "baseline.chisq.scaled": base_chisq, "baseline.df.scaled": base_df,
        "baseline.pvalue.scaled": float(special.chdtrc(base_df, base_chisq)),
        "baseline.chisq.scaling.factor": c_base,
    })
    fit["cfi.scaled"] = cfi(chisq, df, base_chisq, base_df)
    fit["tli.scaled"] = tli(chisq, df, base_chisq, base_df)
    # lavaan 0.6 (lav_fit_rmsea_lavobject, Satorra-Bentler and Yuan-Bentler): the unscaled statistic on
    # df2 = tr(U Gamma) degrees of freedom; the point estimate equals the one from the scaled statistic on df
    fit["rmsea.scaled"] = rmsea(fit["chisq"], trace, n, g) if df > 0 else 0.0
    fit["rmsea.ci.lower.scaled"], fit["rmsea.ci.upper.scaled"] = (
        rmsea_ci(fit["chisq"], trace, n, g) if df > 0 else (0.0, 0.0))
    if not robust:  # with missing data the robust indices come from _fiml_corrected_robust
        return
    # robust CFI, TLI and RMSEA (Brosseau-Liard, Savalei and Li 2012; Brosseau-Liard and Savalei 2014), as
    # lavaan's lav_fit_cfi / lav_fit_tli / lav_fit_rmsea with c.hat: population values of the fit indices
    # estimated consistently under non-normality, unlike the "scaled" ones
    robust_indices(fit, fit["chisq"], fit["baseline.chisq"], c, c_base, n, g)


def robust_indices(fit: dict[str, float], chisq: float, base_chisq: float, c_hat: float, c_base: float, n: int,
                    g: int) -> None:
    """Add lavaan's robust CFI, TLI and RMSEA (with its interval) to ``fit`` from the model's and the baseline's
    normal-theory statistics and scaling factors (lav_fit_cfi / lav_fit_tli / lav_fit_rmsea with c.hat)."""
    df, base_df = fit["df"], fit["baseline.df"]
    if df <= 0:
        fit.update({"cfi.robust": 1.0, "tli.robust": 1.0, "rmsea.robust": 0.0, "rmsea.ci.lower.robust": 0.0,
                    "rmsea.ci.upper.robust": 0.0})
        return
    fit["cfi.robust"] = cfi(chisq, df, base_chisq, base_df, c_hat, c_base)
    fit["tli.robust"] = tli(chisq, df, base_chisq, base_df, c_hat, c_base)
    fit["rmsea.robust"] = rmsea(chisq, df, n, g, c_hat)
    fit["rmsea.ci.lower.robust"], fit["rmsea.ci.upper.robust"] = rmsea_ci(chisq / c_hat, df, n, g, c_hat=c_hat)
