"""Exploratory factor analysis as psych does it: KMO, Bartlett's test, parallel analysis, minres/ML fits
and varimax, promax and oblimin rotations.

Why this is written here
------------------------
factor_analyzer 0.5.1, the usual Python port, fails with scikit-learn >= 1.8 (``check_array`` lost
``force_all_finite``) and its minres and rotations differ in details from psych's. Users compare our tables
with R's ``psych::fa``, so the algorithms below follow psych 2.2.9 and GPArotation 2022.10-2 (the Debian
reference) step by step, and ``tests/measurement`` checks them against those packages
(``tests/fixtures/measurement/make_fixtures_psych.R``): loadings to 1e-3 up to column order and sign, KMO
and Bartlett to 1e-6.

- Correlations are pairwise-complete (``cor(x, use = "pairwise")``, psych's default); ``n`` is the number
  of rows with at least one answer.
- ``kmo``: ``psych::KMO``. ``bartlett_sphericity``: ``psych::cortest.bartlett(R, n)``,
  ``chisq = -log|R| (n - 1 - (2p + 5) / 6)``, ``df = p (p - 1) / 2``.
- ``efa(method="minres")``: psych's ``fm = "minres"``. The uniquenesses ``psi`` start at ``1 - SMC`` and
  minimise, within ``[0.005, 1]`` (psych's bounds), the least-squares residual of the best rank-m
  approximation of ``R - diag(psi)``; the loadings are its first m eigenvectors scaled by the square roots
  of their eigenvalues. psych hands ``optim(L-BFGS-B)`` the off-diagonal residual with the gradient
  ``diag(LL' + psi - R)``; that gradient is the exact gradient of the concentrated least-squares function
  minimised here, whose minimum is the same point, so SciPy's L-BFGS-B with tight tolerances reaches it.
- ``efa(method="ml")``: psych's ``fm = "ml"`` (``FAfn``/``FAgr``, Joreskog's concentrated likelihood in
  ``psi``, same start and bounds); loadings ``Psi^1/2 V (E - 1)^1/2``.
- Unrotated loadings get psych's signs (column sums positive). Rotations: ``varimax`` is
  ``stats::varimax`` (Kaiser normalisation, ``eps = 1e-5``), as ``psych::fa`` calls it; ``promax`` is
  psych's ``kaiser(rotate = "Promax")``: rows normalised by their communality, ``stats::varimax``, target
  ``x |x|^3`` (m = 4), least squares, rescaling, ``Phi = U^-1 U^-T``; ``oblimin`` is
  ``GPArotation::oblimin`` (gamma 0, *no* Kaiser normalisation: psych passes none, GPArotation's default is
  ``normalize = FALSE``), the gradient projection algorithm of Bernaards & Jennrich (2005) from the
  identity, ``eps = 1e-5``, at most 1000 iterations. Then, as psych: columns signed to positive sums and
  ordered by the variance they explain (``diag(Phi L'L)``), ``Phi`` permuted and signed alike.
- ``communalities`` are psych's ``communality`` (``diag(LL')`` of the fit, ``h2`` in psych's print),
  ``uniquenesses`` ``1 - h2`` (``u2``); variance explained as psych's ``Vaccounted``.
- ``parallel_analysis``: Horn (1965) with normal data of the same size, as ``psych::fa.parallel``'s
  simulated series (psych also resamples the data; we do not). Eigenvalues of components (``R``) and of
  factors: by default ``factor_method="smc"``, the reduced matrix with squared multiple correlations on
  the diagonal (``fa.parallel(SMC = TRUE)``); ``"minres"`` uses one-factor minres communalities, psych's
  default ``SMC = FALSE``. The suggested numbers are the leading observed eigenvalues above the
  ``quantile`` (95th percentile) of the simulated ones. All simulated matrices are computed in batches.

References
----------
Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and software for arbitrary
rotation criteria in factor analysis. *Educational and Psychological Measurement*, 65, 676-696.
Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. *Psychometrika*, 30.
Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31-36.
Revelle, W. (2022). psych 2.2.9: ``fa``, ``fa.parallel``, ``KMO``, ``cortest.bartlett``, ``Promax``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import optimize, stats

from alliance_stats.core.constants import DEFAULT_SEED
from alliance_stats.core.errors import AnalysisWarning, ConvergenceWarning, HeywoodWarning, SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.measurement._itemdata import (
    as_item_frame,
    check_pairs,
    pairwise_corr,
    singular_items,
    smc,
)

__all__ = [
    "KMOResult",
    "BartlettResult",
    "ParallelAnalysisResult",
    "EFAResult",
    "kmo",
    "bartlett_sphericity",
    "parallel_analysis",
    "efa",
]

Method = Literal["minres", "ml"]
Rotation = Literal["oblimin", "promax", "varimax", "none"]

LOWER_PSI = 0.005  # psych's lower bound for uniquenesses
_SIM_BATCH_CELLS = 4_000_000


def _correlations(data: pd.DataFrame, what: str, min_items: int = 2) -> tuple[pd.DataFrame, np.ndarray]:
    frame = as_item_frame(data, min_items=min_items, what=what)
    R, _ = pairwise_corr(frame.to_numpy())
    check_pairs(R, list(frame.columns), what)
    return frame, R


def _require_nonsingular(R: np.ndarray, names: list[str], what: str) -> None:
    involved = singular_items(R, names)
    if involved is not None:
        raise SpecificationError(
            f"{what}: the correlation matrix is singular or not positive definite; items "
            f"{', '.join(involved)} are (nearly) linearly dependent",
            column=involved[0],
            fix="drop one of these items (a duplicate, or a sum of others), or use more complete responses",
        )


# ----------------------------------------------------------------------------------------------------------
# KMO and Bartlett
# ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KMOResult(Result):
    """Kaiser-Meyer-Olkin measure of sampling adequacy (``psych::KMO``).

    ``msa`` is the overall value, ``msa_items`` a Series by item."""

    msa: float
    msa_items: pd.Series
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``kmo``: the MSA of each item and the overall MSA."""
        check_lang(lang)
        label = tr("measurement.msa", lang)
        frame = pd.DataFrame({label: self.msa_items.to_numpy()},
                             index=pd.Index(list(self.msa_items.index), name=tr("measurement.item", lang)))
        overall = tr("measurement.overall", lang)
        frame.loc[overall] = self.msa
        return {"kmo": Table(key="kmo", title=tr("measurement.kmo_title", lang), frame=frame,
                             note=tr("measurement.kmo_note", lang), formats={label: "r2"}, lang=lang,
                             show_index=True)}


def kmo(data: pd.DataFrame) -> KMOResult:
    """Kaiser-Meyer-Olkin measure of sampling adequacy, overall and per item.

    ``MSA = sum r^2 / (sum r^2 + sum q^2)`` over the off-diagonal correlations ``r`` and anti-image
    (partial) correlations ``q``, as ``psych::KMO`` (psych 2.2.9) on pairwise correlations.

    Parameters
    ----------
    data
        One column per item.

    Returns
    -------
    KMOResult

    Raises
    ------
    SpecificationError
        Fewer than two items, a text or constant item, a singular correlation matrix (the error names the
        dependent items: psych falls back to an arbitrary value there).

    References
    ----------
    Kaiser, H. F. (1974). An index of factorial simplicity. *Psychometrika*, 39, 31-36.
    Revelle, W. (2022). psych 2.2.9, ``KMO``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(500, 1))
    >>> data = pd.DataFrame(f + rng.normal(size=(500, 4)), columns=list("abcd"))
    >>> round(kmo(data).msa, 2)
    0.8
    """
    frame, R = _correlations(data, "KMO")
    names = list(frame.columns)
    messages: list[str] = []
    eigenvalues = np.linalg.eigvalsh(R)
    if np.min(np.abs(eigenvalues)) > 1e-10 * eigenvalues[-1] and eigenvalues[0] < 0:
        # invertible but indefinite (pairwise deletion): psych computes KMO all the same
        warn(messages, "KMO: the pairwise correlation matrix is not positive definite (items "
                        f"{', '.join(singular_items(R, names) or names)})", HeywoodWarning)
    else:
        _require_nonsingular(R, names, "KMO")
    Q = np.linalg.inv(R)
    if np.any(np.diag(Q) <= 0):
        bad = [name for name, q in zip(names, np.diag(Q), strict=True) if q <= 0]
        raise SpecificationError(
            f"KMO: the pairwise correlation matrix is not positive definite and items {', '.join(bad)} have no "
            "anti-image correlation", column=bad[0],
            fix="use more complete responses or drop items answered by few respondents")
    d = np.sqrt(np.diag(Q))
    partial = Q / np.outer(d, d)
    np.fill_diagonal(partial, 0.0)
    r = R.copy()
    np.fill_diagonal(r, 0.0)
    r2, q2 = (r ** 2).sum(axis=0), (partial ** 2).sum(axis=0)
    msa = float(r2.sum() / (r2.sum() + q2.sum()))
    msa_items = pd.Series(r2 / (r2 + q2), index=pd.Index(names, name="item"), name="msa")
    low = [name for name, v in msa_items.items() if v < 0.5]
    if msa < 0.5:
        warn(messages, f"overall KMO is {msa:.2f} (< .50): the correlations are unsuitable for factor "
             "analysis", AnalysisWarning)
    if low:
        warn(messages, f"item(s) {', '.join(low)} have an individual KMO below .50", AnalysisWarning)
    return KMOResult(msa=msa, msa_items=msa_items, warnings=tuple(messages))


@dataclass(frozen=True)
class BartlettResult(Result):
    """Bartlett's test of sphericity (``psych::cortest.bartlett``)."""

    chisq: float
    df: int
    p: float
    n: int
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``bartlett``: the statistic, its degrees of freedom, p value and n."""
        check_lang(lang)
        frame = pd.DataFrame({"chi2": [self.chisq], tr("measurement.df", lang): [self.df],
                              tr("measurement.p", lang): [self.p], tr("measurement.n", lang): [self.n]},
                             index=pd.Index([tr("measurement.bartlett", lang)], name=tr("measurement.test", lang)))
        formats = {"chi2": "f2", tr("measurement.df", lang): "int", tr("measurement.p", lang): "p",
                   tr("measurement.n", lang): "int"}
        return {"bartlett": Table(key="bartlett", title=tr("measurement.bartlett_title", lang), frame=frame,
                                  note=tr("measurement.bartlett_note", lang), formats=formats, lang=lang,
                                  show_index=True)}


def bartlett_sphericity(data: pd.DataFrame, *, n: int | None = None) -> BartlettResult:
    """Bartlett's test that the correlation matrix is an identity matrix.

    ``chisq = -log|R| (n - 1 - (2p + 5) / 6)`` with ``df = p (p - 1) / 2``, as
    ``psych::cortest.bartlett(cor(data, use = "pairwise"), n = nrow(data))`` (psych 2.2.9).

    Parameters
    ----------
    data
        One column per item.
    n
        Sample size; default ``nrow(data)``, every row, rows with no answer at all included (psych's
        convention); the result's ``n`` is the one used, and a warning gives the number of blank rows.

    Returns
    -------
    BartlettResult

    Raises
    ------
    SpecificationError
        Fewer than two items, a text or constant item, a singular correlation matrix (log|R| is infinite).

    References
    ----------
    Bartlett, M. S. (1951). The effect of standardization on a chi-square approximation in factor analysis.
    *Biometrika*, 38, 337-344.
    Revelle, W. (2022). psych 2.2.9, ``cortest.bartlett``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame(rng.normal(size=(200, 3)) + rng.normal(size=(200, 1)), columns=list("abc"))
    >>> res = bartlett_sphericity(data)
    >>> res.df, res.p < 0.001
    (3, True)
    """
    frame, R = _correlations(data, "Bartlett's test")
    names = list(frame.columns)
    _require_nonsingular(R, names, "Bartlett's test")
    p = R.shape[0]
    n_obs = int(np.shape(data)[0]) if n is None else int(n)  # psych: n = nrow(data), blank rows included
    messages: list[str] = []
    blank = int(np.shape(data)[0]) - len(frame)
    if blank and n is None:
        warn(messages, f"{blank} of {n_obs} rows have no answer on any item; they are counted in n = {n_obs} "
                        f"(psych's nrow convention); {len(frame)} rows have an answer")
    sign, logdet = np.linalg.slogdet(R)
    statistic = float(-logdet * (n_obs - 1 - (2 * p + 5) / 6))
    df = p * (p - 1) // 2
    return BartlettResult(chisq=statistic, df=df, p=float(stats.chi2.sf(statistic, df)), n=n_obs,
                          warnings=tuple(messages))


# ----------------------------------------------------------------------------------------------------------
# factor extraction
# ----------------------------------------------------------------------------------------------------------

def _eigh_desc(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values, vectors = np.linalg.eigh(S)
    return values[::-1], vectors[:, ::-1]


def _uls_objective(psi: np.ndarray, R: np.ndarray, nf: int) -> tuple[float, np.ndarray]:
    S = R - np.diag(psi)
    values, vectors = _eigh_desc(S)
    L = vectors[:, :nf] * np.sqrt(np.maximum(values[:nf], 0.0))
    residual = S - L @ L.T
    return 0.5 * float(np.sum(residual ** 2)), -np.diag(residual).copy()


def _ml_objective(psi: np.ndarray, R: np.ndarray, nf: int) -> tuple[float, np.ndarray]:
    scale = 1.0 / np.sqrt(psi)
    values, vectors = _eigh_desc(R * np.outer(scale, scale))
    rest = values[nf:]
    if np.any(rest <= 0):
        return math.inf, np.zeros_like(psi)
    f = -float(np.sum(np.log(rest) - rest)) + nf - R.shape[0]
    load = np.sqrt(psi)[:, None] * vectors[:, :nf] * np.sqrt(np.maximum(values[:nf] - 1.0, 0.0))
    gradient = (np.sum(load ** 2, axis=1) + psi - np.diag(R)) / psi ** 2
    return f, gradient


def _loadings_from_psi(psi: np.ndarray, R: np.ndarray, nf: int, method: str) -> np.ndarray:
    if method == "minres":
        values, vectors = _eigh_desc(R - np.diag(psi))
        return vectors[:, :nf] * np.sqrt(np.maximum(values[:nf], 0.0))
    scale = 1.0 / np.sqrt(psi)
    values, vectors = _eigh_desc(R * np.outer(scale, scale))
    return np.sqrt(psi)[:, None] * vectors[:, :nf] * np.sqrt(np.maximum(values[:nf] - 1.0, 0.0))


def _fit_psi(R: np.ndarray, nf: int, method: str) -> tuple[np.ndarray, bool, str]:
    start_smc = smc(R)
    upper = max(float(start_smc.max()), 1.0)
    start = np.clip(np.diag(R) - start_smc, LOWER_PSI, upper)
    objective = _uls_objective if method == "minres" else _ml_objective
    res = optimize.minimize(objective, start, args=(R, nf), jac=True, method="L-BFGS-B",
                            bounds=[(LOWER_PSI, upper)] * R.shape[0],
                            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20})
    ok = bool(res.success) or "ABNORMAL" in str(res.message).upper() and _projected_gradient(res, upper) < 1e-6
    return res.x, ok, str(res.message)


def _projected_gradient(res: optimize.OptimizeResult, upper: float) -> float:
    g = np.asarray(res.jac, dtype=float).copy()
    g[(res.x <= LOWER_PSI + 1e-12) & (g > 0)] = 0.0
    g[(res.x >= upper - 1e-12) & (g < 0)] = 0.0
    return float(np.max(np.abs(g))) if g.size else 0.0


# ----------------------------------------------------------------------------------------------------------
# rotations
# ----------------------------------------------------------------------------------------------------------

def varimax(x: np.ndarray, normalize: bool = True, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """``stats::varimax``: returns (rotated loadings, rotation matrix)."""
    nc = x.shape[1]
    if nc < 2:
        return x.copy(), np.eye(nc)
    sc = np.sqrt(np.sum(x ** 2, axis=1)) if normalize else np.ones(x.shape[0])
    x = x / sc[:, None]
    p = x.shape[0]
    TT = np.eye(nc)
    d = 0.0
    for _ in range(1000):
        z = x @ TT
        B = x.T @ (z ** 3 - z * (np.sum(z ** 2, axis=0) / p))
        u, s, vt = np.linalg.svd(B)
        TT = u @ vt
        dpast, d = d, float(np.sum(s))
        if d < dpast * (1 + eps):
            break
    z = (x @ TT) * sc[:, None]
    return z, TT


def promax_kaiser(L: np.ndarray, m: int = 4) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """psych's ``kaiser(L, rotate = "Promax")``: returns (loadings, Phi, warnings)."""
    messages: list[str] = []
    h2 = np.sum(L ** 2, axis=1)
    weighted = L / np.sqrt(h2)[:, None]
    x, rotmat = varimax(weighted)
    Q = x * np.abs(x) ** (m - 1)
    U = np.linalg.lstsq(x, Q, rcond=None)[0]
    UtU = U.T @ U
    try:
        d = np.diag(np.linalg.inv(UtU))
    except np.linalg.LinAlgError:
        messages.append("promax: the factors are exactly uncorrelated and the target matrix is singular; an "
                        "approximation is used (as psych)")
        values, vectors = np.linalg.eigh(UtU)
        values = np.maximum(values, 100 * np.finfo(float).eps)
        UU = vectors @ np.diag(values) @ vectors.T
        np.fill_diagonal(UU, 1.0)
        d = np.diag(np.linalg.inv(UU))
    U = U * np.sqrt(d)[None, :]
    z = x @ U
    U = rotmat @ U
    ui = np.linalg.inv(U)
    return z * np.sqrt(h2)[:, None], ui @ ui.T, messages


def _oblimin_criterion(L: np.ndarray) -> tuple[np.ndarray, float]:
    m = L.shape[1]
    X = (L ** 2) @ (1.0 - np.eye(m))
    return L * X, float(np.sum(L ** 2 * X)) / 4.0


def oblimin(A: np.ndarray, eps: float = 1e-5, maxit: int = 1000) -> tuple[np.ndarray, np.ndarray, bool]:
    """``GPArotation::oblimin(A)`` (gamma 0, no normalisation): gradient projection ``GPFoblq`` from the
    identity. Returns (loadings, Phi, converged)."""
    m = A.shape[1]
    T = np.eye(m)
    al = 1.0
    L = A @ np.linalg.inv(T).T
    Gq, f = _oblimin_criterion(L)
    G = -(L.T @ Gq @ np.linalg.inv(T)).T
    s = math.inf
    for _ in range(maxit + 1):
        Gp = G - T * np.sum(T * G, axis=0)[None, :]
        s = float(np.sqrt(np.sum(Gp ** 2)))
        if s < eps:
            break
        al *= 2.0
        for _ in range(11):
            X = T - al * Gp
            Tt = X / np.sqrt(np.sum(X ** 2, axis=0))[None, :]
            L = A @ np.linalg.inv(Tt).T
            Gqt, ft = _oblimin_criterion(L)
            if f - ft > 0.5 * s ** 2 * al:
                break
            al /= 2.0
        T, f = Tt, ft
        G = -(L.T @ Gqt @ np.linalg.inv(Tt)).T
    return L, T.T @ T, s < eps


# ----------------------------------------------------------------------------------------------------------
# EFA
# ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EFAResult(Result):
    """An exploratory factor solution.

    Attributes
    ----------
    loadings
        Pattern loadings, items x factors (``MR1``... or ``ML1``..., psych's names and order).
    communalities, uniquenesses
        Series by item (psych's ``h2`` and ``u2``).
    phi
        Factor correlations (oblique rotations), else ``None``.
    variance
        Rows ``ss_loadings``, ``proportion_var``, ``cumulative_var``, ``proportion_explained``,
        ``cumulative_proportion``; columns the factors (psych's ``Vaccounted``).
    eigenvalues
        Eigenvalues of the correlation matrix.
    method, rotation, n_factors, n_obs, dof
        The request, the sample size and the model degrees of freedom.
    converged
        Extraction and rotation both converged.
    """

    loadings: pd.DataFrame
    communalities: pd.Series
    uniquenesses: pd.Series
    phi: pd.DataFrame | None
    variance: pd.DataFrame
    eigenvalues: np.ndarray
    method: str
    rotation: str
    n_factors: int
    n_obs: int
    dof: int
    converged: bool
    warnings: tuple[str, ...] = ()

    @property
    def structure(self) -> pd.DataFrame:
        """Structure coefficients (item-factor correlations): ``loadings @ phi``."""
        if self.phi is None:
            return self.loadings.copy()
        return self.loadings @ self.phi

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``efa_loadings`` (loadings with communalities h2, uniquenesses u2 and the variance explained rows)
        and, for an oblique rotation, ``efa_factor_corr``."""
        tables = {"efa_loadings": self._loadings_table(lang)}
        if self.phi is not None:
            tables["efa_factor_corr"] = Table(
                key="efa_factor_corr", title=tr("measurement.phi_title", lang), frame=self.phi.copy(), note="",
                formats={c: "r2" for c in self.phi.columns}, lang=lang, show_index=True)
        return tables

    def _loadings_table(self, lang: str) -> Table:
        check_lang(lang)
        frame = self.loadings.copy()
        frame["h2"] = self.communalities
        frame["u2"] = self.uniquenesses
        frame.index = pd.Index(list(frame.index), name=tr("measurement.item", lang))
        rows = {"ss_loadings": "measurement.ss_loadings", "proportion_var": "measurement.proportion_var",
                "cumulative_var": "measurement.cumulative_var"}
        formats: dict[str, str] = {c: "r2" for c in frame.columns}
        for key, label in rows.items():
            name = tr(label, lang)
            frame.loc[name] = [*self.variance.loc[key].to_numpy(), np.nan, np.nan]
            formats[f"row:{name}"] = "f2" if key == "ss_loadings" else "r2"
        note = tr("measurement.efa_note", lang).format(
            method=tr(f"measurement.method.{self.method}", lang),
            rotation=tr(f"measurement.rotation.{self.rotation}", lang), n=self.n_obs)
        return Table(key="efa_loadings", title=tr("measurement.efa_title", lang), frame=frame, note=note,
                     formats=formats, lang=lang, show_index=True)

def _factor_prefix(method: str) -> str:
    return {"minres": "MR", "ml": "ML"}[method]


def efa(data: pd.DataFrame, n_factors: int, *, method: Method = "minres",
        rotation: Rotation | None = "oblimin") -> EFAResult:
    """Exploratory factor analysis on pairwise correlations, as ``psych::fa`` (psych 2.2.9).

    Parameters
    ----------
    data
        One column per item.
    n_factors
        Number of factors; the model must have non-negative degrees of freedom,
        ``((p - m)^2 - (p + m)) / 2 >= 0``.
    method
        ``"minres"`` (psych's default) or ``"ml"``.
    rotation
        ``"oblimin"`` (psych's default), ``"promax"``, ``"varimax"`` or ``None``/``"none"``.

    Returns
    -------
    EFAResult

    Raises
    ------
    SpecificationError
        Fewer than three items, a text or constant item, too many factors for the items, an unknown method
        or rotation, a singular correlation matrix with ``method="ml"`` (minres goes on with a warning).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(400, 2))
    >>> pattern = np.array([[.8, 0], [.7, 0], [.6, 0], [0, .8], [0, .7], [0, .6]])
    >>> data = pd.DataFrame(f @ pattern.T + rng.normal(scale=.6, size=(400, 6)), columns=list("abcdef"))
    >>> res = efa(data, 2)
    >>> (res.loadings.abs() > .4).sum().tolist()
    [3, 3]

    References
    ----------
    Revelle, W. (2022). psych 2.2.9, ``fa``; Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection
    algorithms and software for arbitrary rotation criteria in factor analysis. *Educational and Psychological
    Measurement*, 65, 676-696 (GPArotation 2022.10-2 ``oblimin``); Kaiser, H. F. (1958). The varimax criterion
    for analytic rotation in factor analysis. *Psychometrika*, 23, 187-200; Hendrickson, A. E., & White, P. O.
    (1964). Promax. *British Journal of Statistical Psychology*, 17, 65-70.
    """
    rotation_name, nf = _check_efa_request(method, rotation, n_factors)
    frame, R = _correlations(data, "EFA", min_items=3)
    names = list(frame.columns)
    p = len(names)
    dof = ((p - nf) ** 2 - (p + nf)) // 2
    if nf >= p or ((p - nf) ** 2 - (p + nf)) < 0:
        needed = next(q for q in range(nf + 1, 10 * nf + 10) if (q - nf) ** 2 - (q + nf) >= 0)
        raise SpecificationError(
            f"{nf} factor(s) cannot be identified from {p} items (negative degrees of freedom, "
            f"{((p - nf) ** 2 - (p + nf)) / 2:g})",
            value=nf, fix=f"ask for fewer factors or use at least {needed} items",
        )
    messages: list[str] = []
    involved = singular_items(R, names)
    if involved is not None:
        text = (f"EFA: the correlation matrix is singular or not positive definite (items "
                f"{', '.join(involved)} are nearly linearly dependent)")
        if method == "ml":
            raise SpecificationError(text, column=involved[0],
                                     fix="drop one of the dependent items, or use method='minres'")
        warn(messages, text + "; squared multiple correlations use a pseudo-inverse", HeywoodWarning)

    psi, converged, message = _fit_psi(R, nf, method)
    if not converged:
        warn(messages, f"EFA ({method}) did not converge: {message}", ConvergenceWarning)
    L = _loadings_from_psi(psi, R, nf, method)
    signs = np.sign(L.sum(axis=0))
    signs[signs == 0] = 1.0
    L = L * signs
    h2 = np.diag(L @ L.T).copy()
    L, phi, explained, rotated = _rotate(L, nf, rotation_name, messages)
    converged = converged and rotated
    factors = [f"{_factor_prefix(method)}{j + 1}" for j in range(nf)]
    heywood = [name for name, v, u in zip(names, h2, psi, strict=True) if v >= 1.0 or u <= LOWER_PSI + 1e-8]
    if heywood:
        warn(messages, f"Heywood case: item(s) {', '.join(heywood)} have a communality at or above 1 (uniqueness "
             f"at psych's bound {LOWER_PSI})", HeywoodWarning)
    total = float(p)  # sum of communalities and uniquenesses of a correlation matrix
    variance = pd.DataFrame(
        [explained, explained / total, np.cumsum(explained) / total, explained / explained.sum(),
         np.cumsum(explained) / explained.sum()],
        index=["ss_loadings", "proportion_var", "cumulative_var", "proportion_explained", "cumulative_proportion"],
        columns=factors,
    )
    index = pd.Index(names, name="item")
    return EFAResult(
        loadings=pd.DataFrame(L, index=index, columns=factors),
        communalities=pd.Series(h2, index=index, name="h2"),
        uniquenesses=pd.Series(1.0 - h2, index=index, name="u2"),
        phi=None if phi is None else pd.DataFrame(phi, index=factors, columns=factors),
        variance=variance,
        eigenvalues=np.linalg.eigvalsh(R)[::-1].copy(),
        method=method, rotation=rotation_name, n_factors=nf, n_obs=len(frame), dof=int(dof),
        converged=converged, warnings=tuple(messages),
    )


def _check_efa_request(method: str, rotation: str | None, n_factors: int) -> tuple[str, int]:
    if method not in ("minres", "ml"):
        raise SpecificationError(f"unknown factoring method {method!r}", value=method, fix="use 'minres' or 'ml'")
    rotation_name = "none" if rotation is None else str(rotation)
    if rotation_name not in ("oblimin", "promax", "varimax", "none"):
        raise SpecificationError(f"unknown rotation {rotation!r}", value=rotation,
                                 fix="use 'oblimin', 'promax', 'varimax' or None")
    if isinstance(n_factors, bool) or not isinstance(n_factors, int | np.integer) or n_factors < 1:
        raise SpecificationError(f"n_factors must be a positive integer, got {n_factors!r}", value=n_factors,
                                 fix="ask for 1 or more factors")
    return rotation_name, int(n_factors)


def _rotate(L: np.ndarray, nf: int, rotation_name: str, messages: list[str]
            ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, bool]:
    """Rotate, reflect factors to positive loading sums and order them by variance explained (psych's
    order). Returns ``(loadings, phi or None, variance explained by each factor, rotation converged)``."""
    phi: np.ndarray | None = None
    converged = True
    if nf > 1 and rotation_name != "none":
        L = np.where(L == 0, 1e-15, L)
        if rotation_name == "varimax":
            L, _ = varimax(L)
        elif rotation_name == "promax":
            L, phi, notes = promax_kaiser(L)
            for note in notes:
                warn(messages, note, ConvergenceWarning)
        else:
            L, phi, rotated = oblimin(L)
            if not rotated:
                converged = False
                warn(messages, "oblimin rotation did not converge in 1000 iterations", ConvergenceWarning)
    signs = np.sign(L.sum(axis=0))
    signs[signs == 0] = 1.0
    L = L * signs
    if phi is not None:
        phi = phi * np.outer(signs, signs)
    explained = np.diag(phi @ L.T @ L) if phi is not None else np.sum(L ** 2, axis=0)
    if nf > 1:
        order = np.argsort(-explained, kind="stable")
        L, explained = L[:, order], explained[order]
        if phi is not None:
            phi = phi[np.ix_(order, order)]
    return L, phi, explained, converged


# ----------------------------------------------------------------------------------------------------------
# parallel analysis
# ----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParallelAnalysisResult(Result):
    """Horn's parallel analysis.

    ``eigenvalues`` is indexed 1..p with columns ``pc_observed``, ``pc_simulated`` (the ``quantile`` of the
    simulated eigenvalues), ``pc_simulated_mean``, ``fa_observed``, ``fa_simulated``, ``fa_simulated_mean``.
    ``n_factors`` and ``n_components`` are the suggested numbers."""

    eigenvalues: pd.DataFrame
    n_factors: int
    n_components: int
    n_iter: int
    quantile: float
    factor_method: str
    n_obs: int
    seed: int | None
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``parallel_analysis``: observed and simulated eigenvalues of components and factors."""
        check_lang(lang)
        columns = ["pc_observed", "pc_simulated", "fa_observed", "fa_simulated"]
        names = {c: tr(f"measurement.{c}", lang) for c in columns}
        frame = self.eigenvalues[columns].rename(columns=names)
        frame.index = pd.Index(list(frame.index), name=tr("measurement.number", lang))
        note = tr("measurement.parallel_note", lang).format(
            n_iter=self.n_iter, q=int(round(100 * self.quantile)), n=self.n_obs,
            fa=tr(f"measurement.parallel_fa.{self.factor_method}", lang), n_factors=self.n_factors,
            n_components=self.n_components)
        return {"parallel_analysis": Table(
            key="parallel_analysis", title=tr("measurement.parallel_title", lang), frame=frame, note=note,
            formats={v: "f2" for v in names.values()}, lang=lang, show_index=True)}


def _minres_values(R: np.ndarray) -> np.ndarray:
    """psych's ``fa(R, nfactors = 1, fm = "minres")$values``: eigenvalues of R with the one-factor
    communalities on the diagonal."""
    psi, _, _ = _fit_psi(R, 1, "minres")
    L = _loadings_from_psi(psi, R, 1, "minres")
    S = R.copy()
    np.fill_diagonal(S, np.sum(L ** 2, axis=1))
    return np.linalg.eigvalsh(S)[::-1]


def _smc_values(R: np.ndarray) -> np.ndarray:
    """Eigenvalues of R with squared multiple correlations on the diagonal, for a stack of matrices.

    Runs with one BLAS thread: on stacks of small matrices threaded OpenBLAS was 100 times slower on a busy
    2-core machine (6.7 s against 0.05 s for 100 matrices of 53 items).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        inverse = np.linalg.pinv(R, rtol=np.sqrt(np.finfo(float).eps), hermitian=True)
    squared = np.clip(1.0 - 1.0 / np.diagonal(inverse, axis1=-2, axis2=-1), 0.0, 1.0)
    reduced = R.copy()
    idx = np.arange(R.shape[-1])
    reduced[..., idx, idx] = squared
    return np.linalg.eigvalsh(reduced)[..., ::-1]


def _leading_above(observed: np.ndarray, threshold: np.ndarray) -> int:
    below = np.flatnonzero(~(observed > threshold))
    return int(below[0]) if below.size else int(observed.size)


def parallel_analysis(data: pd.DataFrame, *, n_iter: int = 100, seed: int | None = DEFAULT_SEED,
                      quantile: float = 0.95, factor_method: Literal["smc", "minres"] = "smc"
                      ) -> ParallelAnalysisResult:
    """Horn's parallel analysis for the number of factors and of components.

    Observed eigenvalues (of the pairwise correlation matrix for components, of the reduced matrix for
    factors) are compared with the ``quantile`` of those of ``n_iter`` normal data sets with as many rows
    and items; the suggested number is the count of leading observed eigenvalues above it.

    Parameters
    ----------
    data
        One column per item.
    n_iter
        Simulated data sets (at least 20).
    seed
        Seed of the simulation; the same seed gives the same result (default
        :data:`~alliance_stats.core.constants.DEFAULT_SEED`; ``None``: fresh entropy).
    quantile
        Percentile of the simulated eigenvalues used as the threshold (0.95, psych's ``quant``).
    factor_method
        ``"smc"``: factor eigenvalues of the correlation matrix with squared multiple correlations on the
        diagonal (``psych::fa.parallel(SMC = TRUE)``); ``"minres"``: with one-factor minres communalities
        (psych's default, slower: one fit per simulated data set).

    Returns
    -------
    ParallelAnalysisResult

    References
    ----------
    Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. *Psychometrika*,
    30, 179-185.
    Revelle, W. (2022). psych 2.2.9, ``fa.parallel``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = rng.normal(size=(500, 2))
    >>> pattern = np.kron(np.eye(2), np.full((4, 1), 0.8))
    >>> data = pd.DataFrame(f @ pattern.T + rng.normal(scale=.6, size=(500, 8)))
    >>> res = parallel_analysis(data, n_iter=50, seed=1)
    >>> res.n_factors, res.n_components
    (2, 2)
    """
    if factor_method not in ("smc", "minres"):
        raise SpecificationError(f"unknown factor_method {factor_method!r}", value=factor_method,
                                 fix="use 'smc' or 'minres'")
    if int(n_iter) < 20:
        raise SpecificationError(f"n_iter must be at least 20, got {n_iter}", value=n_iter, fix="use n_iter=100")
    if not 0 < quantile < 1:
        raise SpecificationError(f"quantile must be between 0 and 1, got {quantile}", value=quantile,
                                 fix="use 0.95")
    frame, R = _correlations(data, "parallel analysis", min_items=3)
    names = list(frame.columns)
    n, p = len(frame), len(names)
    messages: list[str] = []
    involved = singular_items(R, names)
    if involved is not None:
        warn(messages, f"parallel analysis: the correlation matrix is singular (items {', '.join(involved)})",
              HeywoodWarning)
    pc_observed = np.linalg.eigvalsh(R)[::-1]
    fa_observed = _smc_values(R) if factor_method == "smc" else _minres_values(R)

    rng = np.random.default_rng(seed)
    n_iter = int(n_iter)
    pc_sim = np.empty((n_iter, p))
    fa_sim = np.empty((n_iter, p))
    step = max(1, _SIM_BATCH_CELLS // (n * p))
    for start in range(0, n_iter, step):
        b = min(step, n_iter - start)
        Z = rng.standard_normal((b, n, p))
        Z -= Z.mean(axis=1, keepdims=True)
        C = np.swapaxes(Z, 1, 2) @ Z
        d = np.sqrt(np.diagonal(C, axis1=1, axis2=2))
        Rs = C / (d[:, :, None] * d[:, None, :])
        pc_sim[start:start + b] = np.linalg.eigvalsh(Rs)[:, ::-1]
        if factor_method == "smc":
            fa_sim[start:start + b] = _smc_values(Rs)
        else:
            for j in range(b):
                fa_sim[start + j] = _minres_values(Rs[j])
    pc_threshold = np.quantile(pc_sim, quantile, axis=0)
    fa_threshold = np.quantile(fa_sim, quantile, axis=0)
    eigenvalues = pd.DataFrame(
        {"pc_observed": pc_observed, "pc_simulated": pc_threshold, "pc_simulated_mean": pc_sim.mean(axis=0),
         "fa_observed": fa_observed, "fa_simulated": fa_threshold, "fa_simulated_mean": fa_sim.mean(axis=0)},
        index=pd.RangeIndex(1, p + 1, name="number"),
    )
    return ParallelAnalysisResult(
        eigenvalues=eigenvalues, n_factors=_leading_above(fa_observed, fa_threshold),
        n_components=_leading_above(pc_observed, pc_threshold), n_iter=n_iter, quantile=float(quantile),
        factor_method=factor_method, n_obs=n, seed=seed, warnings=tuple(messages),
    )
