"""Numerical engine of :func:`alliance_stats.measurement.cfa`: parameter table, implied moments, ML and FIML.

Internal module. The public entry point and the reasons for hand-writing the estimator are in
:mod:`alliance_stats.measurement.cfa.api`.

Model (LISREL all-y notation, one block per group ``g``)::

    Sigma_g = Lambda_g Psi_g Lambda_g' + Theta_g        mu_g = nu_g + Lambda_g alpha_g

Every matrix element is either fixed or mapped to one free parameter; equality constraints (labels,
``group_equal``) map several elements to the same parameter, so no constraint Jacobian is needed and
``npar`` is the number of distinct free parameters, as lavaan counts it.

Objective: ``-2 log L`` of the multivariate normal (complete data: from the sample moments with divisor N;
FIML: casewise by missingness pattern, each pattern's inverse from the full one, :mod:`.fiml`). Minimised by
Fisher scoring (the expected information as metric) with step halving, then Newton steps with the exact
(analytic) Hessian near the optimum, with a BFGS fallback; the expected information at the optimum gives the
standard errors for complete data (lavaan's ``information = "expected"``), the exact observed information for
FIML (lavaan's default ``information = "observed"`` when ``missing = "ml"``). Derivatives of Sigma are kept as
sums of symmetric rank-2 terms, so gradient and information reduce to small matrix products.

Why numba (issue 17): with missing answers the information is a sum over missingness patterns (3,000 of them
at 10,000 dyads) of slot x slot matrices (about 170 x 170 for the 53 items of the instrument). Every slot's
vectors are one row of a small basis (items, factor loadings, their products with Psi), so a pattern reduces
to the basis x basis matrices ``V E V'`` and ``V P V'``; the slot x slot terms are then gathers from them.
In numpy those gathers and their products cost as much as the matrix products they replace (each of the ten
slot x slot temporaries is a pass through memory); the numba kernels (:mod:`.kernels`) fuse them into one
pass over half the matrix (it is symmetric), six times fewer operations than the products of the slot
vectors did, and build each pattern's ``V E V'`` (a rank-q update of ``V K V'``) and ``V P V'`` (the sum of its
rows' ``(V u)(V u)'``) in the same loop. The rest of the derivatives (gradient, the slots summed into parameters,
mean and second-derivative terms) and, for complete data, the objective itself are one compiled call per group
and evaluation for both routes (:func:`kernels.group_terms`): for a small model numpy's per-call cost was most of
an evaluation (issue 17's anchor against semopy). numba is imported and the kernels compiled on first use (cached
on disk).

Shared results (issue 17): a run fits the same model to the same data several times (the main CFA, the
common-method check's trait model, the nesting check's CFA with and without the dyads, ML and MLR: the same
estimates). :data:`MEMO` keeps the last few results of the deterministic steps -- the missingness patterns and
EM moments of a data block, the fit from given start values, the observed information at given estimates --
keyed by a digest of everything they depend on (the bytes of the data, the parameter table, the start values or
estimates), so a repeat returns the very same numbers without recomputing them. Stored arrays are read-only.
What depends on the model alone -- the parameter table, each group's slot layout and index arrays (a
:class:`Structure`) -- is kept in :data:`STRUCTURES` by model (never cleared with the data: it holds no data).
"""

from __future__ import annotations

import functools
import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy.linalg.lapack import dposv as _posv

from alliance_stats.measurement.cfa import fiml
from alliance_stats.measurement.syntax import MeasurementModel, Modifier

LOG_2PI = math.log(2.0 * math.pi)
STRING = pd.StringDtype("python", na_value=np.nan)  # pandas' default dtype for text columns

GROUP_EQUAL_KINDS = (
    "loadings",
    "intercepts",
    "means",
    "residuals",
    "residual.covariances",
    "lv.variances",
    "lv.covariances",
)


# --------------------------------------------------------------------------------------------- data
@dataclass
class Pattern:
    """Rows sharing one missingness pattern (FIML)."""

    observed: np.ndarray  # integer indices of observed items
    data: np.ndarray  # (n, p_o) observed values
    n: int
    mean: np.ndarray
    cov: np.ndarray  # divisor n

    @functools.cached_property
    def block(self) -> tuple[np.ndarray, np.ndarray]:
        """Index of the observed x observed block of a p x p matrix."""
        return np.ix_(self.observed, self.observed)


@dataclass
class GroupData:
    """Sample information of one group.

    For complete data ``mean``/``cov`` are the sample moments (divisor N, lavaan's ``sampstat``); for FIML
    they are the EM estimates of the saturated (H1) model, as lavaan stores them.
    """

    label: str
    n: int
    mean: np.ndarray
    cov: np.ndarray
    patterns: list[Pattern] | None = None
    h1_iterations: int = 0
    values: np.ndarray | None = None  # the complete rows (complete data only; robust MLM needs them)
    digest: str = ""  # of the values (kind, shape and bytes): the key of the results shared through MEMO
    layout: fiml.Layout | None = None  # the rows by missingness pattern (FIML only, :mod:`.fiml`)


def digest(*parts: Any) -> str:
    """A digest of arrays (dtype, shape and bytes), strings and numbers: the key of a shared result."""
    h = hashlib.sha256()  # twice blake2b's speed on CPUs with SHA instructions (the data blocks are hashed per fit)
    for part in parts:
        if isinstance(part, np.ndarray):
            h.update(f"{part.dtype.str}{part.shape}".encode())
            flat = np.ascontiguousarray(part).reshape(-1)  # the bytes read in place: no copy of a data block
            h.update(flat.tobytes() if flat.dtype.hasobject else flat.view(np.uint8))
        else:
            h.update(repr(part).encode())
        h.update(b"|")
    return h.hexdigest()


class Memo:
    """The last ``size`` results of deterministic computations, by key (least recently used dropped first).

    Results are frozen (their arrays made read-only) so that no caller can change what another one gets.
    Blocks of data larger than ``max_bytes`` are not kept (the memory goal at 100,000 dyads)."""

    def __init__(self, size: int = 8, max_bytes: int = 2**27) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.hits = 0
        self._lock = threading.Lock()  # runs of the local web page may share the process

    def get(self, key: tuple[Any, ...], compute: Callable[[], Any], nbytes: int = 0) -> Any:
        with self._lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
        value = compute()  # outside the lock: another key may be computed meanwhile
        if nbytes <= self.max_bytes:
            _freeze(value)
            with self._lock:
                self.items[key] = value
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self.items.clear()
            self.hits = 0


def _freeze(value: Any) -> None:
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif type(value) in _SCALARS:  # the values of the optimiser's steps: nothing to freeze, nothing to look into
        return
    elif isinstance(value, list | tuple):
        for item in value:
            _freeze(item)
    elif isinstance(value, Pattern | FitOutcome | fiml.Layout | fiml.MissingBlock | _GroupSlots | _SecondTerms):
        for item in vars(value).values():
            _freeze(list(item.values()) if isinstance(item, dict) else item)
    elif isinstance(value, Structure):  # its slots are frozen when built (_group_slots)
        return


_SCALARS = frozenset((float, int, bool, str, bytes, type(None)))

#: The shared results of this process (see the module docstring).
MEMO = Memo(size=10)  # the nesting check's two MLR fits share nine results
#: The last gradients and informations (a separate memo: the optimiser's steps do not push out the data).
LAST_GRADIENTS = Memo(size=2)


def clear_shared_results() -> None:
    """Forget every shared result (:data:`MEMO`, :data:`LAST_GRADIENTS`): called at the end of a run, so that a
    long-lived process (the local web page) does not keep the last run's matrices (about 80 MB at 53 items)."""
    MEMO.clear()
    LAST_GRADIENTS.clear()


def group_data_complete(label: str, values: np.ndarray) -> GroupData:
    n = values.shape[0]
    mean = values.mean(axis=0)
    centred = values - mean
    cov = centred.T @ centred / n
    return GroupData(label=label, n=n, mean=mean, cov=cov, values=values, digest=digest("complete", values))


def group_data_missing(label: str, values: np.ndarray) -> GroupData:
    """Missingness patterns and the EM estimate of the saturated model, as lavaan 0.6-14 computes it
    (``lav_mvnorm_missing_h1_estimate_moments``: start at the available-case means and variances, stop when
    no moment moves by more than 1e-5, at most 500 iterations). Shared through :data:`MEMO` by the bytes of
    ``values``."""
    key = digest("missing", values)
    patterns, mu, sigma, iterations, lay = MEMO.get(("group_data_missing", key), lambda: _missing_moments(values),
                                                    nbytes=4 * values.nbytes)
    return GroupData(label, values.shape[0], mu, sigma, list(patterns), iterations, digest=key, layout=lay)


def _missing_moments(values: np.ndarray) -> tuple[tuple[Pattern, ...], np.ndarray, np.ndarray, int, fiml.Layout]:
    observed_mask = ~np.isnan(values)
    keys, inverse, counts = fiml.unique_patterns(observed_mask)
    order = np.argsort(inverse, kind="stable")  # the rows pattern after pattern, each in data order
    ends = np.cumsum(counts)
    patterns: list[Pattern] = []
    for k, key in enumerate(keys):
        rows = values[np.ix_(order[ends[k] - counts[k]:ends[k]], np.flatnonzero(key))]  # one copy, not two
        n = rows.shape[0]
        mean = rows.mean(axis=0)
        centred = rows - mean
        patterns.append(Pattern(np.flatnonzero(key), rows, n, mean, centred.T @ centred / n))
    lay = fiml.layout(patterns, values.shape[1])
    mu, sigma, iterations = em_saturated(values, lay)
    return tuple(patterns), mu, sigma, iterations, lay


def em_saturated(values: np.ndarray, lay: fiml.Layout, max_iter: int = 500,
                 tol: float = 1e-5) -> tuple[np.ndarray, np.ndarray, int]:
    """EM estimate of the saturated model from the rows of ``values`` arranged in ``lay`` (steps by
    :func:`fiml.em_step`)."""
    p = values.shape[1]
    mu0 = np.nanmean(values, axis=0)
    var0 = np.nanmean((values - mu0) ** 2, axis=0)
    var0[~np.isfinite(var0) | (var0 == 0)] = 1.0
    sigma0 = np.diag(var0)
    mu, sigma = mu0.copy(), sigma0.copy()
    tri = np.tril_indices(p)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        mu, sigma = fiml.em_step(lay, mu, sigma)
        if np.any(np.linalg.eigvalsh(sigma) < 1e-6):
            sigma[np.diag_indices(p)] += np.max(np.diag(sigma)) * 1e-8
        delta = max(np.max(np.abs(mu - mu0)), np.max(np.abs(sigma[tri] - sigma0[tri])))
        if delta < tol:
            break
        mu0, sigma0 = mu, sigma
    return mu, sigma, iterations


# ----------------------------------------------------------------------------- parameter table
@dataclass
class ParameterRow:
    """One row of the parameter table (one matrix element of one group), lavaan's ``parTable`` style."""

    lhs: str
    op: str
    rhs: str
    group: int
    matrix: str  # lambda, theta, psi, nu, alpha
    row: int
    col: int
    free: int  # index into the free parameter vector, -1 when fixed
    value: float  # fixed value (or start when free)
    label: str = ""
    user: bool = False


@dataclass
class ParameterTable:
    rows: list[ParameterRow]
    n_free: int
    n_groups: int
    items: tuple[str, ...]
    factors: tuple[str, ...]
    meanstructure: bool
    free_rows: list[int] = field(default_factory=list)  # first row of each free parameter

    def free_names(self) -> list[str]:
        names = []
        for r in self.free_rows:
            row = self.rows[r]
            suffix = f".g{row.group + 1}" if self.n_groups > 1 else ""
            names.append(f"{row.lhs}{row.op}{row.rhs}{suffix}")
        return names

    @functools.cached_property
    def columns(self) -> dict[str, np.ndarray]:
        """The rows as read-only columns (built once per table): ``lhs``, ``op``, ``rhs``, ``label`` (object arrays
        of strings), ``group``, ``matrix`` (position in ``lambda, theta, psi, nu, alpha``), ``row``, ``col``,
        ``free`` (the parameter, -1 when fixed) and ``value``."""
        rows = self.rows
        out = {name: np.array([getattr(r, name) for r in rows], dtype=object)
               for name in ("lhs", "op", "rhs", "label")}
        out["group"] = np.array([r.group for r in rows], dtype=np.int64)
        out["matrix"] = np.array([_MATRICES.index(r.matrix) for r in rows], dtype=np.int64)
        out["row"] = np.array([r.row for r in rows], dtype=np.int64)
        out["col"] = np.array([r.col for r in rows], dtype=np.int64)
        out["free"] = np.array([r.free for r in rows], dtype=np.int64)
        out["value"] = np.array([r.value for r in rows], dtype=float)
        for values in out.values():
            values.setflags(write=False)
        return out

    @functools.cached_property
    def text_columns(self) -> dict[str, Any]:
        """The text columns of the result frames (:func:`solution.parameter_frames`), which depend on the table alone,
        as pandas ``str`` arrays (:data:`STRING`) built once per table: ``lhs``, ``op``, ``rhs``, ``label`` of every
        row, ``factor`` and ``item`` of the loading rows, and ``loadings`` (their positions, read-only). Never
        written: :func:`solution.frame_of_columns` copies them into each frame."""
        cols = self.columns
        at = np.flatnonzero(cols["matrix"] == 0)
        at.setflags(write=False)
        out: dict[str, Any] = {name: pd.arrays.StringArray(cols[name].copy(), dtype=STRING)
                               for name in ("lhs", "op", "rhs", "label")}
        out.update(factor=pd.arrays.StringArray(cols["lhs"][at], dtype=STRING),
                   item=pd.arrays.StringArray(cols["rhs"][at], dtype=STRING), loadings=at)
        return out

    @functools.cached_property
    def kinds(self) -> list[tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...]]:
        """For each group, (positions in the table, rows, cols) of its loadings, residual variances, residual
        covariances, factor (co)variances, intercepts and latent means (built once per table)."""
        cols = self.columns
        kind, row, col = cols["matrix"], cols["row"], cols["col"]
        out = []
        for g in range(self.n_groups):
            here = cols["group"] == g
            masks = (kind == 0, (kind == 1) & (row == col), (kind == 1) & (row != col), kind == 2, kind == 3,
                     kind == 4)
            out.append(tuple((at, row[at], col[at]) for at in (np.flatnonzero(here & mask) for mask in masks)))
        return out


def build_parameter_table(model: MeasurementModel, n_groups: int, meanstructure: bool,
                          group_equal: tuple[str, ...] = ()) -> ParameterTable:
    """lavaan's ``cfa()`` defaults: marker loading fixed to 1, residual variances, factor variances and
    factor covariances free, residual covariances only where written; with a mean structure, intercepts
    free and latent means fixed to 0 (free in groups 2+ when intercepts are equal and means are not)."""
    items = model.items
    factors = model.factors
    item_index = {name: i for i, name in enumerate(items)}
    factor_index = {name: i for i, name in enumerate(factors)}
    user_cov = {frozenset((c.lhs, c.rhs)): c for c in model.covariances}
    marker_of = {f: model.items_of(f)[0] for f in factors}

    specs: list[tuple[str, str, str, str, int, int, Modifier | None, bool, bool]] = []
    # (lhs, op, rhs, matrix, row, col, modifier, default_free, user)
    for ld in model.loadings:
        default_free = ld.item != marker_of[ld.factor]
        specs.append((ld.factor, "=~", ld.item, "lambda", item_index[ld.item], factor_index[ld.factor],
                      ld.modifier, default_free, True))
    for cv in model.covariances:
        if cv.lhs == cv.rhs:
            continue
        if cv.lhs in item_index:
            i, j = item_index[cv.lhs], item_index[cv.rhs]
            specs.append((cv.lhs, "~~", cv.rhs, "theta", max(i, j), min(i, j), cv.modifier, True, True))
    for name in items:
        cv = user_cov.get(frozenset((name,)))
        i = item_index[name]
        specs.append((name, "~~", name, "theta", i, i, cv.modifier if cv else None, True, cv is not None))
    for a, fa in enumerate(factors):
        for b in range(a + 1):
            fb = factors[b]
            cv = user_cov.get(frozenset((fa, fb)))
            lhs, rhs = (fb, fa) if a != b else (fa, fa)
            if cv is not None:
                lhs, rhs = cv.lhs, cv.rhs
            specs.append((lhs, "~~", rhs, "psi", a, b, cv.modifier if cv else None, True, cv is not None))
    if meanstructure:
        for name in items:
            specs.append((name, "~1", "", "nu", item_index[name], 0, None, True, False))
        for f in factors:
            specs.append((f, "~1", "", "alpha", factor_index[f], 0, None, False, False))

    def equal_kind(matrix: str, lhs: str, rhs: str) -> str:
        if matrix == "lambda":
            return "loadings"
        if matrix == "nu":
            return "intercepts"
        if matrix == "alpha":
            return "means"
        if matrix == "theta":
            return "residuals" if lhs == rhs else "residual.covariances"
        return "lv.variances" if lhs == rhs else "lv.covariances"

    rows: list[ParameterRow] = []
    free_keys: dict[str, int] = {}
    free_rows: list[int] = []
    for g in range(n_groups):
        for lhs, op, rhs, matrix, r, c, modifier, default_free, user in specs:
            free = default_free
            value = 1.0 if matrix == "lambda" else 0.0
            label = ""
            if matrix == "alpha" and g > 0 and "intercepts" in group_equal and "means" not in group_equal:
                free = True
            if modifier is not None:
                if modifier.kind == "fixed":
                    free, value = False, float(modifier.value)  # type: ignore[arg-type]
                elif modifier.kind == "free":
                    free = True
                else:
                    label = modifier.label or ""
            if not free:
                rows.append(ParameterRow(lhs, op, rhs, g, matrix, r, c, -1, value, label, user))
                continue
            if label:
                key = f"label:{label}"
            elif n_groups > 1 and equal_kind(matrix, lhs, rhs) in group_equal:
                key = f"eq:{matrix}:{r}:{c}"
            else:
                key = f"g{g}:{matrix}:{r}:{c}"
            if key not in free_keys:
                free_keys[key] = len(free_keys)
                free_rows.append(len(rows))
            rows.append(ParameterRow(lhs, op, rhs, g, matrix, r, c, free_keys[key], value, label, user))
    return ParameterTable(rows, len(free_keys), n_groups, items, factors, meanstructure, free_rows)


# ----------------------------------------------------------------------------------- the model
@dataclass
class _SecondTerms:
    """Where the second-derivative terms of the exact Hessian go (:func:`kernels.collect`), fixed by
    the parameter table: each term is ``factor x A[rows, cols]`` of a small matrix ``A`` (Psi, W, W Lambda, or
    the weighted mean residual), added to the parameter pair ``flat`` (``k * row + col``) in this order: loading x
    loading, loading x factor (co)variance and its transpose, loading x latent mean and its transpose."""

    ll: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # psi rows, psi cols, w rows, w cols
    lp: tuple[np.ndarray, np.ndarray]  # rows and cols of W Lambda (both orders concatenated)
    la: np.ndarray  # rows of nu (both orders concatenated)
    flat: np.ndarray  # targets of ll, lp, la terms, concatenated

    @property
    def arrays(self) -> tuple[np.ndarray, ...]:
        """The index arrays in the order of :func:`kernels.collect`'s ``second``."""
        return (*self.ll, *self.lp, self.la, self.flat)


@dataclass
class _GroupSlots:
    """Fixed values and free-element positions of one group's matrices (built once per model).

    Every derivative of Sigma is a sum of symmetric rank-2 terms ``x y' + y x'`` ("slots"): a loading
    lambda_if gives x = e_i, y = (Lambda Psi)[:, f]; a factor covariance psi_fh gives x = Lambda[:, f],
    y = Lambda[:, h] (half of it for a variance); a residual covariance theta_ij gives x = e_i, y = e_j
    (half for a variance). ``incidence`` (k x slots) sums slots into parameters (equality constraints).
    Every x and y is a row of the basis V (:meth:`CFAModel.slot_basis`): ``x = V[ix]``, ``y = cy * V[iy]``;
    ``flat`` sends the slot pairs to parameter pairs (``k * slot_param[s] + slot_param[t]``). The matrices live in
    one flat buffer: ``template`` holds the fixed values, ``pos`` the places of the free ones (twice for an
    off-diagonal (co)variance) and ``par`` their parameters."""

    fixed: dict[str, np.ndarray]
    free: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    slot_param: np.ndarray
    incidence: np.ndarray
    d_nu: np.ndarray
    template: np.ndarray
    pos: np.ndarray
    par: np.ndarray
    ix: np.ndarray
    iy: np.ndarray
    cy: np.ndarray
    flat: np.ndarray
    second: _SecondTerms


_MATRICES = ("lambda", "theta", "psi", "nu", "alpha")


def _free_positions(table: ParameterTable, g: int, p: int, m: int
                    ) -> tuple[dict[str, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Fixed values and (parameter, row, col) of the free elements of group ``g``'s matrices."""
    fixed = {"lambda": np.zeros((p, m)), "theta": np.zeros((p, p)), "psi": np.zeros((m, m)), "nu": np.zeros(p),
             "alpha": np.zeros(m)}
    free: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for name in _MATRICES:
        rows = [r for r in table.rows if r.group == g and r.matrix == name]
        for r in rows:
            if r.free < 0:
                if name in ("nu", "alpha"):
                    fixed[name][r.row] = r.value
                else:
                    fixed[name][r.row, r.col] = r.value
                    if name in ("theta", "psi"):
                        fixed[name][r.col, r.row] = r.value
        fr = [r for r in rows if r.free >= 0]
        free[name] = (np.array([r.free for r in fr], dtype=int), np.array([r.row for r in fr], dtype=int),
                      np.array([r.col for r in fr], dtype=int))
    return fixed, free


def _flat_layout(fixed: dict[str, np.ndarray], free: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The matrices of a group as one buffer: its fixed values, the places of the free elements, their
    parameters (in the order :meth:`CFAModel.matrices` fills them: rows then mirrors, matrix by matrix)."""
    template = np.concatenate([fixed[name].ravel() for name in _MATRICES])
    pos, par = [], []
    offset = 0
    for name in _MATRICES:
        ncol = fixed[name].shape[1] if fixed[name].ndim == 2 else 1
        kk, rr, cc = free[name]
        if name in ("nu", "alpha"):
            pos.append(offset + rr)
            par.append(kk)
        else:
            pos.append(offset + rr * ncol + cc)
            par.append(kk)
            if name != "lambda":
                pos.append(offset + cc * ncol + rr)
                par.append(kk)
        offset += fixed[name].size
    return template, np.concatenate(pos).astype(np.int64), np.concatenate(par).astype(np.int64)


def _second_terms(free: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], k: int) -> _SecondTerms:
    """The index arrays of :class:`_SecondTerms` (only the terms that are not zero by construction)."""
    ka, ra, ca = free["lambda"]
    kb, gb, hb = free["psi"]
    kc, fc, _ = free["alpha"]
    ll = (np.repeat(ca, ca.size), np.tile(ca, ca.size), np.repeat(ra, ra.size), np.tile(ra, ra.size))
    ll_flat = (ka[:, None] * k + ka[None, :]).ravel()
    # loading (i) x factor (co)variance (j): W Lambda [ra_i, gb_j] when ca_i == hb_j, [ra_i, hb_j] when
    # ca_i == gb_j != hb_j (never both); np.add.at adds val in (i, j) order, then val.T in (j, i) order
    first = ca[:, None] == hb[None, :]
    second = (ca[:, None] == gb[None, :]) & (gb != hb)[None, :]
    col = np.where(first, gb[None, :], hb[None, :])
    hit_ij = np.nonzero(first | second)
    hit_ji = tuple(reversed(np.nonzero((first | second).T)))
    lp_rows = np.concatenate([ra[hit_ij[0]], ra[hit_ji[0]]])
    lp_cols = np.concatenate([col[hit_ij], col[hit_ji]])
    lp_flat = np.concatenate([ka[hit_ij[0]] * k + kb[hit_ij[1]], kb[hit_ji[1]] * k + ka[hit_ji[0]]])
    la_ij = np.nonzero(ca[:, None] == fc[None, :])
    la_ji = tuple(reversed(np.nonzero((ca[:, None] == fc[None, :]).T)))
    la = np.concatenate([ra[la_ij[0]], ra[la_ji[0]]])
    la_flat = np.concatenate([ka[la_ij[0]] * k + kc[la_ij[1]], kc[la_ji[1]] * k + ka[la_ji[0]]])
    return _SecondTerms(ll, (lp_rows, lp_cols), la, np.concatenate([ll_flat, lp_flat, la_flat]).astype(np.int64))


def _group_slots(table: ParameterTable, g: int, p: int, m: int, k: int) -> _GroupSlots:
    fixed, free = _free_positions(table, g, p, m)
    _, r_lam, c_lam = free["lambda"]
    k_lam = free["lambda"][0]
    k_psi, r_psi, c_psi = free["psi"]
    k_th, r_th, c_th = free["theta"]
    slot_param = np.concatenate([k_lam, k_psi, k_th])
    incidence = np.zeros((k, slot_param.size))
    incidence[slot_param, np.arange(slot_param.size)] = 1.0
    d_nu = np.zeros((k, p))
    kk, rr, _ = free["nu"]
    np.add.at(d_nu, (kk, rr), 1.0)
    template, pos, par = _flat_layout(fixed, free)
    ix = np.concatenate([r_lam, p + r_psi, r_th]).astype(np.int64)
    iy = np.concatenate([p + m + c_lam, p + c_psi, c_th]).astype(np.int64)
    cy = np.concatenate([np.ones(r_lam.size), np.where(r_psi == c_psi, 0.5, 1.0), np.where(r_th == c_th, 0.5, 1.0)])
    flat = (slot_param[:, None] * k + slot_param[None, :]).ravel()
    out = _GroupSlots(fixed, free, slot_param.astype(np.int64), incidence, d_nu, template, pos, par, ix, iy, cy,
                      flat, _second_terms(free, k))
    _freeze(out)  # read-only from the start, shared or not: the kernels see one array type
    return out


def _key_rows(table: ParameterTable) -> list[tuple[Any, ...]]:
    """The parameter table's rows as tuples (``dataclasses.astuple`` of each row, without its deep copies)."""
    return [(r.lhs, r.op, r.rhs, r.group, r.matrix, r.row, r.col, r.free, r.value, r.label, r.user)
            for r in table.rows]


@dataclass(frozen=True)
class Structure:
    """What depends on the model alone, not on the data: the parameter table, the slot layout of each group and a
    digest of the table (part of :attr:`CFAModel.key`). Built once per model, number of groups, mean structure
    and ``group_equal`` (:func:`structure`) and shared read-only: a run fits the same model to many data sets
    (the checks, the variants, the power replicates), and each fit would otherwise build it again."""

    table: ParameterTable
    slots: tuple[_GroupSlots, ...]
    key: str

    @classmethod
    def of(cls, table: ParameterTable) -> Structure:
        p, m = len(table.items), len(table.factors)
        slots = tuple(_group_slots(table, g, p, m, table.n_free) for g in range(table.n_groups))
        return cls(table, slots, digest("table", _key_rows(table), table.n_groups, table.meanstructure,
                                        table.items, table.factors))

    @functools.cached_property
    def buffers(self) -> tuple[list[int], np.ndarray]:
        """Where each matrix ends in a group's buffer (:meth:`CFAModel.matrices`) and the fixed rows of the slot
        basis (:meth:`CFAModel.slot_basis`: the unit vectors of the items, zeros below; read-only, copied per use)."""
        p, m = len(self.table.items), len(self.table.factors)
        basis = np.vstack([np.eye(p), np.zeros((2 * m, p))])
        basis.setflags(write=False)
        return np.cumsum([p * m, p * p, m * m, p, m]).tolist(), basis

    @functools.cached_property
    def start_layout(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where :meth:`CFAModel.start_values` sums its values: the parameter of each value (group by group, matrix
        by matrix in ``lambda, theta, psi, nu, alpha`` order), the divisor of each parameter's sum (its number of
        values, 1 when it has none) and the parameters that are loadings (built once, read-only)."""
        where = np.concatenate([slots.free[name][0] for slots in self.slots for name in _MATRICES]).astype(np.int64)
        counts = np.maximum(np.bincount(where, minlength=self.table.n_free).astype(float), 1.0)
        loadings = self.table.columns["free"][self.table.columns["matrix"] == 0]
        out = (where, counts, loadings[loadings >= 0])
        _freeze(out)
        return out


#: The structures of the last models fitted (:func:`structure`; model-only, so never cleared with the data).
STRUCTURES = Memo(size=32)


def structure(model: MeasurementModel, n_groups: int, meanstructure: bool,
              group_equal: tuple[str, ...] = ()) -> Structure:
    """The :class:`Structure` of :func:`build_parameter_table`'s table for these arguments, shared through
    :data:`STRUCTURES` (keyed by the model's factors, items, loadings and covariances)."""
    key = ("structure", model.factors, model.items, model.loadings, model.covariances, n_groups, meanstructure,
           tuple(group_equal))
    return STRUCTURES.get(key, lambda: Structure.of(build_parameter_table(model, n_groups, meanstructure,
                                                                           tuple(group_equal))))


class CFAModel:
    """Implied moments, derivatives, objective, gradient and information of a parameter table (``built``: its
    :class:`Structure` when the caller has it from :func:`structure`)."""

    def __init__(self, table: ParameterTable, groups: list[GroupData], built: Structure | None = None) -> None:
        if built is None or built.table is not table:
            built = Structure.of(table)
        self.table = table
        self.groups = groups
        self.p = len(table.items)
        self.m = len(table.factors)
        self.k = table.n_free
        self.n_total = sum(g.n for g in groups)
        self.meanstructure = table.meanstructure
        # what every result of this model depends on besides its argument (None: data not from group_data_*)
        self.key = None if any(not g.digest for g in groups) else digest(
            "model", built.key, [(g.digest, g.n) for g in groups])
        self._ends, self._basis0 = built.buffers
        self._slots = built.slots
        self._built = built

    # ------------------------------------------------------------------ matrices
    def matrices(self, theta: np.ndarray, g: int) -> dict[str, np.ndarray]:
        slots = self._slots[g]
        buf = slots.template.copy()
        buf[slots.pos] = theta[slots.par]
        a, b, c, d, _ = self._ends
        p, m = self.p, self.m
        return {"lambda": buf[:a].reshape(p, m), "theta": buf[a:b].reshape(p, p), "psi": buf[b:c].reshape(m, m),
                "nu": buf[c:d], "alpha": buf[d:]}

    def implied(self, theta: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        mats = self.matrices(theta, g)
        lam = mats["lambda"]
        sigma = lam @ mats["psi"] @ lam.T + mats["theta"]
        mu = mats["nu"] + lam @ mats["alpha"]
        return sigma, mu, mats

    def d_mu(self, mats: dict[str, np.ndarray], g: int) -> np.ndarray:
        """d mu / d theta (k x p)."""
        slots = self._slots[g]
        d_mu = slots.d_nu.copy()
        if self.meanstructure:
            kk, rr, _ = slots.free["alpha"]
            if kk.size:
                np.add.at(d_mu, kk, mats["lambda"][:, rr].T)
            kk, rr, cc = slots.free["lambda"]
            if kk.size:
                np.add.at(d_mu, (kk, rr), mats["alpha"][cc])
        return d_mu

    def derivatives(self, mats: dict[str, np.ndarray], g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slot vectors X, Y (slots x p; d Sigma / d theta = incidence @ (x y' + y x')) and
        d mu / d theta (k x p)."""
        x, y = self._slot_vectors(self.slot_basis(mats, g)[0], g)
        return x, y, self.d_mu(mats, g)

    def _slot_vectors(self, basis: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray]:
        slots = self._slots[g]
        return basis[slots.ix], slots.cy[:, None] * basis[slots.iy]

    def slot_basis(self, mats: dict[str, np.ndarray], g: int, lam_psi: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The slots of :meth:`derivatives` as rows of a basis: ``V`` ((p + 2m) x p: the unit vectors of the
        items, the columns of Lambda, the columns of Lambda Psi), with ``x = V[ix]`` and ``y = cy * V[iy]``
        (``lam_psi``: Lambda Psi when the caller has it)."""
        slots, p, m = self._slots[g], self.p, self.m
        lam = mats["lambda"]
        basis = self._basis0.copy()
        basis[p:p + m] = lam.T
        basis[p + m:] = (lam @ mats["psi"] if lam_psi is None else lam_psi).T
        return basis, slots.ix, slots.iy, slots.cy

    def d_sigma(self, theta: np.ndarray, g: int) -> np.ndarray:
        """d Sigma / d theta_k as a (k, p, p) array (for tests and diagnostics)."""
        x, y, _ = self.derivatives(self.matrices(theta, g), g)
        per_slot = x[:, :, None] * y[:, None, :]
        per_slot = per_slot + per_slot.transpose(0, 2, 1)
        return np.einsum("ks,sij->kij", self._slots[g].incidence, per_slot)

    # ------------------------------------------------------------------ objective
    def minus2logl(self, theta: np.ndarray) -> float:
        """-2 log L (inf when an implied covariance matrix is not positive definite)."""
        total = 0.0
        for g, data in enumerate(self.groups):
            sigma, mu, _ = self.implied(theta, g)
            if data.patterns is None:
                ok, value, *_ = _kernels().complete_terms(sigma, mu if self.meanstructure else _EMPTY,
                                                          (data.cov, data.mean, float(data.n)))
                if not ok:
                    return math.inf
                total += value
            else:
                assert data.layout is not None
                terms = fiml.evaluate(data.layout, sigma, mu)
                if terms is None:
                    return math.inf
                total += terms.value
        return float(total)

    def gradient_information(self, theta: np.ndarray, with_information: bool = True,
                             hessian: str = "expected") -> tuple[float, np.ndarray, np.ndarray | None]:
        """-2 log L, its gradient and a Hessian: ``hessian="expected"`` the expected Hessian (2 x the
        expected information; for FIML groups the complete-data one at Sigma(theta), used only as a
        scoring metric), ``"observed"`` the exact Hessian (2 x the observed information). The last few are
        shared (:data:`LAST_GRADIENTS`): the identification check and the first scoring step ask for the same."""
        if self.key is None:
            return self._gradient_information(theta, with_information, hessian)
        return LAST_GRADIENTS.get(("gradient", self.key, np.asarray(theta, dtype=float).tobytes(), with_information,
                                   hessian),
                                  lambda: self._gradient_information(theta, with_information, hessian))

    def _gradient_information(self, theta: np.ndarray, with_information: bool,
                              hessian: str) -> tuple[float, np.ndarray, np.ndarray | None]:
        kernels = _kernels()
        observed = hessian == "observed"
        value = 0.0
        grad = np.zeros(self.k)
        info = np.zeros((self.k, self.k)) if with_information else None
        out = (grad, _EMPTY2 if info is None else info)
        for g, data in enumerate(self.groups):
            slots = self._slots[g]
            mats = self.matrices(theta, g)
            lam, psi = mats["lambda"], mats["psi"]
            lam_psi = lam @ psi
            sigma = lam_psi @ lam.T + mats["theta"]
            mu = mats["nu"] + lam @ mats["alpha"] if self.meanstructure else _EMPTY  # FIML has a mean structure
            basis = self.slot_basis(mats, g, lam_psi)[0]
            d_mu, rows = self._mean_rows(mats, g)
            parts = _hessian_parts(slots.ix.size, rows.size) if info is not None else _NO_PARTS
            index = (slots.ix, slots.iy, slots.cy, slots.slot_param)
            model = (sigma, mu, lam, psi, basis, d_mu, rows)
            if data.patterns is None:
                moments = (data.cov, data.mean, float(data.n), _EMPTY2)
            else:
                assert data.layout is not None
                terms = fiml.evaluate(data.layout, sigma, mu)
                if terms is None:
                    return math.inf, grad, info
                value += terms.value
                if info is not None and observed:
                    _add_patterns(parts, data.layout, terms, (basis, slots.ix, slots.iy, slots.cy), d_mu)
                moments = (terms.k, terms.nu(), float(data.n), terms.w())
            ok, part = kernels.group_terms(out, parts, model, moments, index, slots.second.arrays,
                                           (data.patterns is None, observed))
            if not ok:
                return math.inf, grad, info
            value += part
        return float(value), grad, info

    def _mean_rows(self, mats: dict[str, np.ndarray], g: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of d mu / d theta that are not zero and their parameters (none without a mean structure)."""
        if not self.meanstructure:
            return _EMPTY2, _NO_ROWS
        d_mu = self.d_mu(mats, g)
        rows = np.flatnonzero(np.any(d_mu != 0.0, axis=1))
        return d_mu[rows], rows

    def observed_information(self, theta: np.ndarray) -> np.ndarray:
        """Exact Hessian of -2 log L (2 x the observed information), used for FIML standard errors (shared
        through :data:`MEMO`)."""
        def compute() -> np.ndarray:  # the last Newton step of the fit computed it (shared: LAST_GRADIENTS)
            info = self.gradient_information(theta, True, "observed")[2]
            assert info is not None
            return 0.5 * (info + info.T)

        return compute() if self.key is None else MEMO.get(("observed", self.key, digest(theta)), compute)

    # ------------------------------------------------------------------ starting values
    def start_values(self) -> np.ndarray:
        """Starting values in the spirit of lavaan's ``start = "simple"``/fabin: loadings from covariance
        ratios with the marker, factor variances from the marker's covariances, residual variances the
        part of each item's variance left over (at least 10 %), factor covariances from the items'
        covariances, residual covariances 0, intercepts the sample means, latent means 0."""
        values: list[np.ndarray] = []
        for g, data in enumerate(self.groups):
            s = data.cov
            free = self._slots[g].free
            lam = _start_loadings(s, self._slots[g].fixed["lambda"], free["lambda"])
            psi = _start_psi(s, lam)
            common = np.einsum("if,fg,ig->i", lam, psi, lam)
            variances = np.diag(s)
            resid = np.maximum(variances - common, 0.1 * variances)
            _, rr, cc = free["lambda"]
            values.append(lam[rr, cc])
            _, rr, cc = free["theta"]
            values.append(np.where(rr == cc, resid[rr], 0.0))
            _, rr, cc = free["psi"]
            values.append(psi[rr, cc])
            values.append(data.mean[free["nu"][1]])
            values.append(np.zeros(free["alpha"][0].size))
        # one sum over every group and matrix, added in order (np.add.at's sums); 0 for a parameter without values
        where, counts, loadings = self._built.start_layout
        start = np.bincount(where, weights=np.concatenate(values), minlength=self.k) / counts
        # free markers (NA*) with a fixed factor variance: start loadings near the item's SD
        start[loadings[start[loadings] == 0.0]] = 0.7
        return start


def _start_loadings(s: np.ndarray, fixed: np.ndarray, free: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Start loadings (:meth:`CFAModel.start_values`): each free loading the least-squares ratio of its item's
    covariances to the marker's, times the marker's loading (0.7 x the item's SD without a fixed marker); in Python
    floats (these loops over a few items cost more in numpy's calls than in arithmetic)."""
    _, rr, cc = free
    is_free = np.zeros(fixed.shape, dtype=bool)
    is_free[rr, cc] = True
    sl, lam, free_l = s.tolist(), fixed.tolist(), is_free.tolist()
    p, m = fixed.shape
    for f in range(m):
        members = [i for i in range(p) if lam[i][f] != 0 or free_l[i][f]]
        ref = next((i for i in members if not free_l[i][f]), None)  # the first fixed (non-zero) loading
        for i in members:
            if not free_l[i][f]:
                continue
            if ref is None:
                lam[i][f] = math.sqrt(max(sl[i][i], 1e-8)) * 0.7
                continue
            # s_ij = (lambda_i / lambda_ref) s_ref,j for every other item j: least squares over j
            # (sign-safe with reverse-keyed items, unlike a ratio of sums)
            num = den = 0.0
            others = [j for j in members if j not in (i, ref)]
            for j in others:
                num += sl[i][j] * sl[ref][j]
                den += sl[ref][j] * sl[ref][j]
            ratio = num / den if others and den > 1e-12 * sl[ref][ref] ** 2 else 1.0
            lam[i][f] = ratio * lam[ref][f]
    return np.array(lam, dtype=float).reshape(p, m)


def _start_psi(s: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Start factor (co)variances (:meth:`CFAModel.start_values`), in Python floats (the same IEEE products, sums and
    means as numpy's, :func:`_numpy_mean`, without their per-call cost in these double loops)."""
    p, m = lam.shape
    sl, ll = s.tolist(), lam.tolist()
    members = [[i for i in range(p) if ll[i][f] != 0] for f in range(m)]
    psi = [[0.0] * m for _ in range(m)]
    for f in range(m):
        num = 0.0
        den = 0.0
        for a_i, i in enumerate(members[f]):
            for j in members[f][a_i + 1:]:
                num += sl[i][j] * ll[i][f] * ll[j][f]
                den += (ll[i][f] * ll[j][f]) ** 2
        psi[f][f] = num / den if den > 0 and num > 0 else 0.05
    for f in range(m):
        for h in range(f):
            vals = [sl[i][j] / (ll[i][f] * ll[j][h]) for i in members[f] for j in members[h] if i != j]
            cov = _numpy_mean(vals) if vals else 0.0
            bound = 0.9 * math.sqrt(psi[f][f] * psi[h][h])
            psi[f][h] = psi[h][f] = min(max(cov, -bound), bound)
    return np.array(psi, dtype=float).reshape(m, m)


def _numpy_mean(values: list[float]) -> float:
    """``float(np.mean(values))`` of a list of floats, to the last bit, in Python floats: numpy's pairwise sum (eight
    running sums over blocks of at most 128 values, halves of longer arrays summed separately) divided by the count
    (checked against numpy in ``tests/measurement/test_cfa_overhead.py``); a numpy call costs ten times more here."""
    return _pairwise_sum(values) / len(values)


def _pairwise_sum(values: list[float]) -> float:
    n = len(values)
    if n < 8:
        total = 0.0
        for value in values:
            total += value
        return total
    if n > 128:
        half = n // 2
        half -= half % 8
        return _pairwise_sum(values[:half]) + _pairwise_sum(values[half:])
    r = values[:8]
    end = n - n % 8
    for i in range(8, end, 8):
        for j in range(8):
            r[j] += values[i + j]
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for value in values[end:]:
        total += value
    return total


def _hessian_parts(n_slots: int, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where one group's Hessian terms of -2 log L accumulate in slot space, before :func:`kernels.collect` sums
    them into parameters: (slot x slot, upper triangle; slot x mean row; mean row x mean row).

    For slots s = (x, y), t = (z, w) with D_s = x y' + y x', E = Sigma^-1 (of the observed block) and
    P = E C E (C = S + d d'), the traces reduce to products of small matrices:
    tr(E D_s E D_t) = 2 [(x'Ez)(y'Ew) + (x'Ew)(y'Ez)] and
    tr(E D_t P D_s) = (x'Pw)(y'Ez) + (y'Pw)(x'Ez) + (x'Pz)(y'Ew) + (y'Pz)(x'Ew).
    Expected Hessian: n tr(E D_s E D_t) + 2 n m_k' E m_l. Observed (exact) first-derivative part:
    n [2 tr(E D_t P D_s) - tr(E D_s E D_t)] + 2 n (u' D_s E m_l + u' D_l E m_s) + 2 n m_k' E m_l, u = E d.

    Every x and y is a row of the basis V (:meth:`CFAModel.slot_basis`), so the bilinear forms above are entries
    of ``V E V'`` and ``V P V'`` (:func:`kernels.block_terms`, or :func:`kernels.pattern_terms` pattern by
    pattern); only the rows of d mu that are not zero enter the mean terms (none without a mean structure)."""
    return np.zeros((n_slots, n_slots)), np.zeros((n_slots, r)), np.zeros((r, r))


def _add_patterns(parts: tuple[np.ndarray, np.ndarray, np.ndarray], lay: fiml.Layout, terms: fiml.Terms,
                  basis: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], d_mu: np.ndarray) -> None:
    """Add the terms of every missingness pattern of a FIML group (observed Hessian), from the pieces of
    :func:`fiml.evaluate` (:func:`fiml.add_hessian_terms`); the mean terms summed over patterns in closed
    form (``sum n E = N K - K M K``)."""
    slots, cross, means = parts
    cross += fiml.add_hessian_terms(lay, terms, basis, d_mu, slots)
    if d_mu.shape[0]:
        k = terms.k
        e_sum = lay.n * k - k @ terms.weights @ k
        means += 2.0 * (d_mu @ e_sum @ d_mu.T)


_EMPTY = np.zeros(0)
_EMPTY2 = np.zeros((0, 0))
_NO_ROWS = np.zeros(0, dtype=np.int64)
_NO_PARTS = (_EMPTY2, _EMPTY2, _EMPTY2)  # empty, hence never written (and writable: one numba specialization)


def _kernels():  # noqa: ANN202 - the module of numba dispatchers
    """:mod:`.kernels` (numba: imported on first use, the kernels cached on disk)."""
    global _KERNELS
    if _KERNELS is None:
        from alliance_stats.measurement.cfa import kernels

        _KERNELS = kernels
    return _KERNELS


_KERNELS = None


def _spd_solve(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray | None:
    """``matrix^-1 vector`` by Cholesky (LAPACK's dposv, without numpy's per-call checks: the scoring steps of a
    small model are a few microseconds each), ``None`` when ``matrix`` is not positive definite."""
    _, solution, info = _posv(matrix, vector, lower=1)
    return solution if info == 0 else None


# ------------------------------------------------------------------------------------ optimizer
@dataclass
class FitOutcome:
    theta: np.ndarray
    minus2logl: float
    gradient: np.ndarray
    information: np.ndarray  # expected Hessian of -2 log L at the solution
    converged: bool
    iterations: int
    message: str = ""


def fisher_scoring(model: CFAModel, start: np.ndarray, max_iter: int = 500, tol: float = 1e-9) -> FitOutcome:
    """Minimise -2 log L: Fisher scoring with step halving, then Newton steps with the exact Hessian once
    the gradient is small.

    Converged when the largest gradient of ``-2 log L / N`` falls below ``tol`` (lavaan's nlminb stops on
    a relative change of the objective of 1e-10, which gives estimates of the same precision). The
    returned ``information`` is the expected Hessian at the solution (for the standard errors)."""
    theta = start.copy()
    n = model.n_total
    # FIML scores with an approximate (complete-data) information, so it switches to exact Newton steps
    # later: each exact Hessian costs a pass over the missingness patterns in moment space
    newton_threshold = 1e-2 if all(g.patterns is None for g in model.groups) else 1e-5
    value, grad, info = model.gradient_information(theta)
    if not math.isfinite(value):
        return FitOutcome(theta, value, grad, info, False, 0, "the starting values give a non-positive-"
                          "definite implied covariance matrix")
    message = ""
    iteration = 0
    newton = stalled = False
    last_size = math.inf
    for iteration in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        # after an early hand-over, Newton steps go on to a 1000 times smaller gradient: the estimates are then as
        # exact as the scoring route made them (its last Newton steps land far below tol)
        size = np.abs(grad).max() / n
        if size < (tol * 1e-3 if stalled else tol):
            break
        step = _spd_solve(info, grad)
        if step is None and newton:  # the exact Hessian is not positive definite here: fall back to the expected one
            info = model.gradient_information(theta)[2]
            step = _spd_solve(info, grad)
        if step is None:
            try:
                step = np.linalg.solve(info, grad)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(info, grad, rcond=None)[0]
        # scoring that crawls (the gradient less than halved by the last step, as with a method factor under
        # FIML: 50 steps of 20 % each) hands over to Newton steps early, once the gradient is small
        stalled = stalled or (size < 1e-2 and size > 0.5 * last_size)
        last_size = size
        newton_next = size < newton_threshold or stalled
        hessian = "observed" if newton_next else "expected"
        t = 1.0
        accepted = False
        full = None  # the full step is nearly always taken: its objective comes with its gradient and Hessian
        for trial in range(40):
            candidate = theta - t * step
            if trial == 0:
                full = model.gradient_information(candidate, hessian=hessian)
                new_value = full[0]
            else:
                new_value = model.minus2logl(candidate)
            if math.isfinite(new_value) and new_value <= value + 1e-10 * abs(value):
                accepted = True
                break
            t *= 0.5
        if not accepted:
            message = "no step decreases the objective"
            break
        theta = candidate
        previous = value
        newton = newton_next
        value, grad, info = full if t == 1.0 and full is not None else model.gradient_information(
            theta, hessian=hessian)
        if abs(previous - value) < 1e-13 * abs(value) and np.abs(t * step).max() < 1e-10:
            break
    else:
        message = f"the maximum number of iterations ({max_iter}) was reached"
    if newton:
        value, grad, info = model.gradient_information(theta)
    converged = np.max(np.abs(grad)) / n < 1e-6
    if converged:
        message = ""
    elif not message:
        message = "the objective stopped decreasing"
    return FitOutcome(theta, value, grad, info, converged, iteration, message)


def fit(model: CFAModel, start: np.ndarray) -> FitOutcome:
    """Fisher scoring/Newton from ``start``; if that does not converge, BFGS on the analytic gradient from
    the best point reached, then Fisher scoring/Newton again to polish (and to get the information).
    The same model on the same data from the same start gets the shared outcome (:data:`MEMO`)."""
    if model.key is None:
        return _fit(model, start)
    return replace(MEMO.get(("fit", model.key, digest(start)), lambda: _fit(model, start)))


def _fit(model: CFAModel, start: np.ndarray) -> FitOutcome:
    outcome = fisher_scoring(model, start)
    if outcome.converged:
        return outcome
    n = model.n_total
    origin = outcome.theta if math.isfinite(outcome.minus2logl) else start

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        value, grad, _ = model.gradient_information(theta, with_information=False)
        if not math.isfinite(value):
            return 1e300, np.zeros_like(theta)
        return value / n, grad / n

    result = optimize.minimize(objective, origin, jac=True, method="BFGS",
                               options={"gtol": 1e-7, "maxiter": 5000})
    polished = fisher_scoring(model, result.x)
    best = min((outcome, polished), key=lambda o: (not o.converged, o.minus2logl))
    best.iterations = outcome.iterations + int(result.nit) + polished.iterations
    return best
