"""Measurement invariance of ordinal items: configural, thresholds, loadings, intercepts (Wu and Estabrook 2016).

:func:`ordinal_invariance` fits the sequence that ``semTools::measEq.syntax(ID.cat = "Wu.Estabrook.2016",
ID.fac = "std.lv")`` (semTools 0.5-6's defaults, delta parameterization) writes for each step, with lavaan
0.6-14's WLSMV on each group's polychoric statistics (:mod:`alliance_stats.measurement.cfa.wls_groups`):

- configural: loadings, thresholds and factor covariances free in every group; item intercepts 0, scaling
  factors 1, latent means 0 and latent variances 1 in every group;
- thresholds: thresholds equal across groups; the intercepts and scaling factors of every group but the first
  are freed (the scaling factors of binary items only at the intercepts step);
- loadings: loadings equal too; the latent variances of every group but the first are freed;
- intercepts: intercepts equal too (hence 0 everywhere); the latent means of every group but the first are freed.

Successive steps are compared by lavaan's ``lavTestLRT()`` for the scaled-shifted test (its default
``method = "satorra.2000"`` with ``A.method = "delta"`` and ``scaled.shifted = TRUE``): with ``P`` the expected
information of the less restricted model, ``A`` the orthogonal complement of ``H = Delta_1^+ Delta_0`` (the
Jacobians of the two models' moments), ``M = P^-1 A' (A P^-1 A')^+ A P^-1`` and ``B`` the meat
``sum_g f_g Delta_g' W_g Gamma_g W_g Delta_g``, ``a = sqrt(m / tr((M B)^2))``, ``b = m - a tr(M B)`` and the
difference statistic ``a (T_0 - T_1) + b`` on ``m = df_0 - df_1`` degrees of freedom, ``T`` the unscaled
(DWLS) chi-squares. The changes in CFI and RMSEA use the scaled indices (lavaan 0.6-14 gives no robust index
for a multi-group categorical model).

References
----------
Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels of
invariance for ordered categorical outcomes. *Psychometrika*, 81(4), 1014-1045.
Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment structures. In
R. D. H. Heijmans, D. S. G. Pollock, & A. Satorra (Eds.), *Innovations in multivariate statistical analysis*
(pp. 233-247). Kluwer.
Jorgensen, T. D., Pornprasertmanit, S., Schoemann, A. M., & Rosseel, Y. (2022). semTools: Useful tools for
structural equation modeling (R package 0.5-6).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, special
from threadpoolctl import threadpool_limits

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.cfa.wls_groups import GroupFit, GroupSpec, GroupStats, fit_groups, inverse_psd
from alliance_stats.measurement.syntax import MeasurementModel

__all__ = ["ORDINAL_STEPS", "OrdinalStep", "group_statistics", "fit_ordinal_step", "difference_test",
           "ordinal_parameters", "run_sequence", "merge_empty_categories"]

ORDINAL_STEPS: dict[str, tuple[str, ...]] = {
    "configural": (),
    "thresholds": ("thresholds",),
    "loadings": ("thresholds", "loadings"),
    "intercepts": ("thresholds", "loadings", "intercepts"),
}


@dataclass(frozen=True)
class OrdinalStep:
    """One fitted step: the fit, the model's items, factors and threshold names, the group labels and specs."""

    name: str
    fit: GroupFit
    items: tuple[str, ...]
    factors: tuple[str, ...]
    threshold_names: tuple[str, ...]
    groups: tuple[str, ...]
    specs: tuple[GroupSpec, ...]


def group_statistics(data: pd.DataFrame, items: Sequence[str], group: str, missing: str = "pairwise"
                     ) -> list[GroupStats]:
    """Thresholds, polychoric correlations and NACOV of each group (in the order the groups first appear, as
    lavaan), after :func:`~alliance_stats.measurement.cfa.ordinal.check_categories`.

    Parameters
    ----------
    data
        Answers (integer codes) and the group column.
    items
        The ordinal items.
    group
        The grouping column (rows with no group are dropped).
    missing
        ``"pairwise"`` or ``"listwise"`` within each group.

    Returns
    -------
    list of GroupStats

    Examples
    --------
    >>> d = pd.read_csv("tests/fixtures/ordinal_invariance/sim_three.csv")
    >>> [(s.label, s.n_obs) for s in group_statistics(d, ["y1", "y2", "y3"], "grp")]
    [('g1', 400), ('g2', 400), ('g3', 400)]
    """
    from alliance_stats.measurement.cfa.ordinal import check_categories
    from alliance_stats.measurement.ordinal import polychoric

    items = list(items)
    kept = data[data[group].notna()]
    if missing == "listwise":
        kept = kept[kept[items].notna().all(axis=1)]
    check_categories(kept, items, group)
    labels = pd.unique(kept[group])
    if len(labels) < 2:
        raise SpecificationError(f"group column {group!r} has {len(labels)} distinct value", column=group,
                                 fix="invariance needs at least two groups")
    out = []
    for label in labels:
        poly = polychoric(kept.loc[kept[group] == label, items], missing=missing)
        out.append(GroupStats(str(label), poly.thresholds, poly.correlation, poly.gamma, poly.n_obs))
    return out


def _new(shape: tuple[int, ...], fixed: float) -> tuple[np.ndarray, np.ndarray]:
    return np.full(shape, -1, dtype=int), np.full(shape, float(fixed))


def _specs(model: MeasurementModel, step: str, n_th: list[int], n_groups: int
           ) -> tuple[list[GroupSpec], list[str]]:
    """The parameter pattern of ``step`` in every group (semTools' Wu.Estabrook.2016 + std.lv) and the label
    of every free parameter."""
    eq = ORDINAL_STEPS[step]
    items, factors = list(model.items), list(model.factors)
    p, m, nth = len(items), len(factors), sum(n_th)
    labels: dict[str, int] = {}

    def idx(label: str) -> int:
        return labels.setdefault(label, len(labels))

    specs = []
    for g in range(n_groups):
        sfx = f".g{g + 1}"
        free, value = {}, {}
        for kind, shape, fixed in (("lam", (p, m), 0.0), ("tau", (nth,), 0.0), ("nu", (p,), 0.0),
                                   ("delta", (p,), 1.0), ("alpha", (m,), 0.0), ("psi", (m, m), 0.0),
                                   ("theta", (p, p), 0.0)):
            free[kind], value[kind] = _new(shape, fixed)
        for ld in model.loadings:
            i, f = items.index(ld.item), factors.index(ld.factor)
            free["lam"][i, f] = idx(f"{ld.factor}=~{ld.item}" + ("" if "loadings" in eq else sfx))
        for t in range(nth):
            free["tau"][t] = idx(f"tau{t}" + ("" if "thresholds" in eq else sfx))
        later = g > 0
        for i in range(p):
            if later and "thresholds" in eq and "intercepts" not in eq:
                free["nu"][i] = idx(f"nu{i}{sfx}")
            # a binary item's scaling factor stays fixed until its intercept is constrained (one threshold
            # cannot identify an intercept and a scale: semTools' Wu.Estabrook.2016 rule)
            if later and "thresholds" in eq and (n_th[i] >= 2 or "intercepts" in eq):
                free["delta"][i] = idx(f"delta{i}{sfx}")
        for f in range(m):
            value["psi"][f, f] = 1.0
            if later and "loadings" in eq:
                free["psi"][f, f] = idx(f"psi{f}{sfx}")
            if later and "intercepts" in eq:
                free["alpha"][f] = idx(f"alpha{f}{sfx}")
            for h in range(f):
                free["psi"][f, h] = idx(f"psi{f}_{h}{sfx}")
        for cv in model.covariances:
            a, b = items.index(cv.lhs), items.index(cv.rhs)
            free["theta"][max(a, b), min(a, b)] = idx(f"theta{a}_{b}{sfx}")
        specs.append(GroupSpec(free, value))
    return specs, list(labels)


def _start(model: MeasurementModel, specs: list[GroupSpec], stats: list[GroupStats], k: int) -> np.ndarray:
    """Start values: per group and factor, the first principal component of the factor's polychoric block
    (oriented so that its first item loads positively); sample thresholds; 0 intercepts and covariances; 1 for
    scaling factors and variances. A shared parameter takes its first group's value."""
    items, factors = list(model.items), list(model.factors)
    x = np.full(k, np.nan)
    for spec, st in zip(specs, stats, strict=True):
        r = st.correlation.loc[items, items].to_numpy(dtype=float)
        lam0 = np.zeros((len(items), len(factors)))
        for f, name in enumerate(factors):
            members = [items.index(i) for i in model.items_of(name)]
            val, vec = np.linalg.eigh(r[np.ix_(members, members)])
            v = vec[:, -1] * math.sqrt(max(val[-1] - 1.0, 0.1) / max(len(members) - 1, 1) * len(members))
            lam0[members, f] = np.clip(v if v[0] >= 0 else -v, -0.95, 0.95)
        th = np.concatenate([st.thresholds[[n for n in st.thresholds.index if n.partition("|")[0] == i]]
                             .to_numpy(dtype=float) for i in items])
        guesses = {"lam": lam0, "tau": th, "nu": np.zeros(len(items)), "delta": np.ones(len(items)),
                   "alpha": np.zeros(len(factors)), "psi": np.eye(len(factors)),
                   "theta": np.zeros((len(items), len(items)))}
        for kind, guess in guesses.items():
            idx = spec.free[kind]
            mask = (idx >= 0) & np.isnan(x[np.clip(idx, 0, None)])
            x[idx[mask]] = guess[mask]
    return np.nan_to_num(x)


def fit_ordinal_step(model: MeasurementModel, stats: list[GroupStats], step: str, estimator: str = "WLSMV"
                     ) -> OrdinalStep:
    """Fit one step of the Wu and Estabrook (2016) sequence to the groups' statistics.

    Parameters
    ----------
    model
        Parsed measurement model (loadings without modifiers; optional residual covariances of items).
    stats
        :func:`group_statistics` of the data.
    step
        ``"configural"``, ``"thresholds"``, ``"loadings"`` or ``"intercepts"``.
    estimator
        ``"WLSMV"``, ``"DWLS"`` or ``"ULSMV"``.

    Returns
    -------
    OrdinalStep

    References
    ----------
    Wu, H., & Estabrook, R. (2016). Identification of confirmatory factor analysis models of different levels of
    invariance for ordered categorical outcomes. *Psychometrika*, 81(4), 1014-1045.

    Examples
    --------
    >>> from alliance_stats.measurement.syntax import parse_model
    >>> d = pd.read_csv("tests/fixtures/ordinal_invariance/sim_three.csv")
    >>> m = parse_model("F =~ y1 + y2 + y3 + y4 + y5")
    >>> st = fit_ordinal_step(m, group_statistics(d, m.items, "grp", "listwise"), "configural")
    >>> round(st.fit.fit["chisq"], 4), int(st.fit.fit["df"])
    (3.674, 15)
    """
    if step not in ORDINAL_STEPS:
        raise SpecificationError(f"unknown ordinal invariance step {step!r}", value=step,
                                 fix=f"use one of {', '.join(ORDINAL_STEPS)}")
    for ld in model.loadings:
        if ld.modifier is not None:
            raise SpecificationError(f"the ordinal invariance takes loadings without modifiers "
                                     f"({ld.factor} =~ {ld.item})", line=ld.line, fix="remove the modifier")
    for cv in model.covariances:
        if cv.modifier is not None or cv.lhs == cv.rhs or cv.lhs not in model.items or cv.rhs not in model.items:
            raise SpecificationError(f"the ordinal invariance takes only free residual covariances between two "
                                     f"items ({cv.lhs} ~~ {cv.rhs})", line=cv.line, fix="remove this line")
    items = tuple(model.items)
    names = [str(n) for n in stats[0].thresholds.index if str(n).partition("|")[0] in items]
    ordered_names = [n for i in items for n in names if n.partition("|")[0] == i]
    n_th = [sum(1 for n in names if n.partition("|")[0] == i) for i in items]
    specs, labels = _specs(model, step, n_th, len(stats))
    x0 = _start(model, specs, stats, len(labels))
    fitted = fit_groups(specs, stats, items, x0, estimator)
    return OrdinalStep(step, fitted, items, tuple(model.factors), tuple(ordered_names),
                       tuple(s.label for s in stats), tuple(specs))


def difference_test(less: OrdinalStep, more: OrdinalStep) -> dict[str, float]:
    """lavaan's ``lavTestLRT(less, more)`` for the scaled-shifted test (``lav_test_diff_Satorra2000`` with
    ``A.method = "delta"``, ``scaled.shifted = TRUE``).

    Parameters
    ----------
    less
        The less restricted step (``H1``).
    more
        The more restricted step nested in it.

    Returns
    -------
    dict
        ``chisq_diff`` (``a (T_0 - T_1) + b``), ``df_diff``, ``p_diff``, ``a``, ``b`` (NaN when the two models
        have the same df: then ``chisq_diff = T_0 - T_1`` and ``p_diff`` is NaN, as lavaan).

    References
    ----------
    Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment structures. In
    *Innovations in multivariate statistical analysis* (pp. 233-247). Kluwer.

    Examples
    --------
    >>> from alliance_stats.measurement.syntax import parse_model
    >>> d = pd.read_csv("tests/fixtures/ordinal_invariance/sim_three.csv")
    >>> m = parse_model("F =~ y1 + y2 + y3 + y4 + y5")
    >>> st = group_statistics(d, m.items, "grp", "listwise")
    >>> t = difference_test(fit_ordinal_step(m, st, "loadings"), fit_ordinal_step(m, st, "intercepts"))
    >>> int(t["df_diff"]), t["p_diff"] < 1e-10
    (8, True)
    """
    f1, f0 = less.fit, more.fit
    t1, t0 = f1.fit["chisq"], f0.fit["chisq"]
    m = int(round(f0.fit["df"] - f1.fit["df"]))
    if m == 0:
        return {"chisq_diff": t0 - t1, "df_diff": 0.0, "p_diff": math.nan, "a": math.nan, "b": math.nan}
    d1, d0 = np.vstack(f1.delta), np.vstack(f0.delta)
    h = np.linalg.lstsq(d1, d0, rcond=None)[0] if d1.shape[1] > 0 else np.zeros((0, d0.shape[1]))
    a_mat = _complement(h)
    p_inv = inverse_psd(f1.info)
    apa = a_mat @ p_inv @ a_mat.T
    eps = math.sqrt(np.finfo(float).eps)
    keep = ~((np.abs(apa.sum(axis=0)) < eps) & (np.abs(apa.sum(axis=1)) < eps))
    a_mat = a_mat[keep]
    mm = p_inv @ a_mat.T @ np.linalg.pinv(a_mat @ p_inv @ a_mat.T) @ a_mat @ p_inv
    mb = mm @ f1.meat
    tr1, tr2 = float(np.trace(mb)), float(np.sum(mb * mb.T))
    a = math.sqrt(m / tr2)
    b = m - a * tr1
    stat = (t0 - t1) * a + b
    return {"chisq_diff": stat, "df_diff": float(m), "p_diff": float(special.chdtrc(m, max(stat, 0.0))),
            "a": a, "b": b}


def _complement(h: np.ndarray) -> np.ndarray:
    """Rows spanning the orthogonal complement of the columns of ``h`` (lavaan's
    ``lav_matrix_orthogonal_complement``), from a pivoted QR decomposition."""
    q, r, _ = linalg.qr(h, mode="full", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > diag.max(initial=0.0) * max(h.shape) * np.finfo(float).eps)) if diag.size else 0
    return q[:, rank:].T


def ordinal_parameters(step: OrdinalStep) -> pd.DataFrame:
    """lavaan's ``parameterEstimates()`` rows of a fitted step: ``lhs``, ``op``, ``rhs``, ``group`` (1-based),
    ``label`` (the group's value), ``free`` (bool), ``est``, ``se`` (0 for fixed and derived parameters).

    Parameters
    ----------
    step
        A fitted step.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from alliance_stats.measurement.syntax import parse_model
    >>> d = pd.read_csv("tests/fixtures/ordinal_invariance/sim_three.csv")
    >>> m = parse_model("F =~ y1 + y2 + y3 + y4 + y5")
    >>> st = fit_ordinal_step(m, group_statistics(d, m.items, "grp", "listwise"), "thresholds")
    >>> sorted(set(ordinal_parameters(st)["op"]))
    ['=~', '|', '~*~', '~1', '~~']
    """
    se_all = np.sqrt(np.clip(np.diag(step.fit.vcov), 0.0, None))
    items, factors = step.items, step.factors
    rows = []
    for g, (spec, mats) in enumerate(zip(step.specs, step.fit.matrices, strict=True)):

        def add(lhs: str, op: str, rhs: str, kind: str, pos: tuple[int, ...], g: int = g,
                spec: GroupSpec = spec, mats: dict[str, np.ndarray] = mats) -> None:
            idx = int(spec.free[kind][pos]) if kind in spec.free else -1
            rows.append((lhs, op, rhs, g + 1, step.groups[g], idx >= 0, float(mats[kind][pos]),
                         float(se_all[idx]) if idx >= 0 else 0.0))

        for (i, f), free in np.ndenumerate(spec.free["lam"]):
            if free >= 0 or mats["lam"][i, f] != 0:
                add(factors[f], "=~", items[i], "lam", (i, f))
        for t, name in enumerate(step.threshold_names):
            item, _, label = name.partition("|")
            add(item, "|", label, "tau", (t,))
        for i, item in enumerate(items):
            add(item, "~1", "", "nu", (i,))
        for i, item in enumerate(items):
            add(item, "~*~", item, "delta", (i,))
        for f, name in enumerate(factors):
            add(name, "~1", "", "alpha", (f,))
        for f in range(len(factors)):
            for h in range(f + 1):
                add(factors[h], "~~", factors[f], "psi", (f, h))
        for a in range(len(items)):
            for b in range(a + 1):
                if a == b or spec.free["theta"][a, b] >= 0:
                    add(items[b], "~~", items[a], "theta", (a, b))
    return pd.DataFrame(rows, columns=["lhs", "op", "rhs", "group", "label", "free", "est", "se"])


def run_sequence(data: pd.DataFrame, model: MeasurementModel, group: str, steps: Sequence[str], missing: str,
                 estimator: str) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], list[str]]:
    """Fit the ordinal steps in order and compare each with the previous one.

    Parameters
    ----------
    data
        Answers (integer codes) and the group column.
    model
        Parsed measurement model.
    group
        The grouping column.
    steps
        Ordered subset of :data:`ORDINAL_STEPS`.
    missing
        ``"pairwise"`` (lavaan's ``missing = "pairwise"``) or ``"listwise"``.
    estimator
        ``"WLSMV"``, ``"DWLS"`` or ``"ULSMV"``.

    Returns
    -------
    tuple
        The steps table (one row per step: lavaan's fit measures, ``cfi_reported``/``rmsea_reported`` (the
        scaled indices), the difference test ``chisq_diff``, ``df_diff``, ``p_diff`` and ``delta_cfi``,
        ``delta_rmsea``), the ``parameterEstimates`` of every step, and the warnings.

    Examples
    --------
    >>> from alliance_stats.measurement.syntax import parse_model
    >>> d = pd.read_csv("tests/fixtures/ordinal_invariance/sim_three.csv")
    >>> tab, params, msgs = run_sequence(d, parse_model("F =~ y1 + y2 + y3 + y4 + y5"), "grp",
    ...                                  ["configural", "thresholds"], "listwise", "WLSMV")
    >>> tab[["df", "df_diff"]].to_numpy().tolist()
    [[15.0, nan], [25.0, 10.0]]
    """
    stats = group_statistics(data, model.items, group, missing)
    rows, params, messages = [], {}, []
    previous: OrdinalStep | None = None
    for step in steps:
        # one BLAS thread: the matrices are moderate (a few thousand rows) and a multi-threaded BLAS on a shared
        # machine spends most of its time waiting (as the cluster stage does)
        with threadpool_limits(limits=1):
            fitted = fit_ordinal_step(model, stats, step, estimator)
        _record(step, fitted, table := ordinal_parameters(fitted), model, messages)
        params[step] = table
        with threadpool_limits(limits=1):
            rows.append(_step_row(fitted, previous, rows[-1] if rows else None, estimator))
        previous = fitted
    return pd.DataFrame(rows, index=pd.Index(list(steps), name="step")), params, messages


def _record(step: str, fitted: OrdinalStep, table: pd.DataFrame, model: MeasurementModel,
            messages: list[str]) -> None:
    """Non-convergence and negative residual variances of a step, as warnings."""
    if not fitted.fit.converged:
        messages.append(f"{step} model: the ordinal CFA did not converge after {fitted.fit.iterations} "
                        "iterations; results are not trustworthy")
    negative = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"])
                     & table["lhs"].isin(model.items) & (table["est"] < 0)]
    for _, r in negative.iterrows():
        messages.append(f"{step} model: Heywood case: the residual variance of item {r['lhs']!r} is "
                        f"negative ({r['est']:.4g}) in group {r['label']!r}")


def _step_row(fitted: OrdinalStep, previous: OrdinalStep | None, previous_row: dict[str, float] | None,
              estimator: str) -> dict[str, float]:
    """One row of the steps table: fit measures, reported CFI/RMSEA and the test against the previous step."""
    scaled = estimator != "DWLS"
    fit = dict(fitted.fit.fit)
    fit["cfi_reported"] = fit["cfi.scaled" if scaled else "cfi"]
    fit["rmsea_reported"] = fit["rmsea.scaled" if scaled else "rmsea"]
    if previous is None or previous_row is None:
        fit.update(chisq_diff=math.nan, df_diff=math.nan, p_diff=math.nan, delta_cfi=math.nan,
                   delta_rmsea=math.nan)
    else:
        if scaled:
            test = difference_test(previous, fitted)
        else:
            ddf = fitted.fit.fit["df"] - previous.fit.fit["df"]
            diff = fitted.fit.fit["chisq"] - previous.fit.fit["chisq"]
            test = {"chisq_diff": diff, "df_diff": ddf,
                    "p_diff": float(special.chdtrc(ddf, max(diff, 0.0))) if ddf > 0 else math.nan}
        fit.update(chisq_diff=test["chisq_diff"], df_diff=test["df_diff"], p_diff=test["p_diff"],
                   delta_cfi=fit["cfi_reported"] - previous_row["cfi_reported"],
                   delta_rmsea=fit["rmsea_reported"] - previous_row["rmsea_reported"])
    return fit


def merge_empty_categories(data: pd.DataFrame, items: Sequence[str], group: str
                           ) -> tuple[pd.DataFrame, list[tuple[str, int, int, str]]]:
    """Merge every category that is empty in at least one group with its neighbour, in every group.

    Thresholds equal across groups need every category in every group (lavaan stops otherwise;
    :func:`group_statistics` raises a typed error). This recode is the usual remedy: a category empty in some
    group is merged with the adjacent lower observed category (the next higher one for the lowest category),
    repeatedly, until every remaining category is observed in every group.

    Parameters
    ----------
    data
        Answers (integer codes) and the group column (not modified).
    items
        The ordinal items.
    group
        The grouping column.

    Returns
    -------
    tuple
        The recoded copy and one ``(item, category, merged into, group where it was empty)`` per merge.

    Examples
    --------
    >>> d = pd.DataFrame({"a": [1, 2, 3, 1, 2, 2], "g": ["x"] * 3 + ["y"] * 3})
    >>> out, merges = merge_empty_categories(d, ["a"], "g")
    >>> out["a"].tolist(), merges
    ([1, 2, 2, 1, 2, 2], [('a', 3, 2, 'y')])
    """
    out = data.copy()
    merges: list[tuple[str, int, int, str]] = []
    labels = out[group]
    for item in items:
        while True:
            column = pd.to_numeric(out[item], errors="coerce")
            cats = np.unique(column.dropna().to_numpy())
            empty = None
            for label, block in column.groupby(labels, sort=False):
                missing = sorted(set(cats.tolist()) - set(block.dropna().tolist()))
                if missing:
                    empty = (missing[0], label)
                    break
            if empty is None or cats.size <= 2:
                break
            code, label = empty
            pos = int(np.flatnonzero(cats == code)[0])
            target = cats[pos - 1] if pos > 0 else cats[1]
            out.loc[column == code, item] = target
            merges.append((str(item), int(code), int(target), str(label)))
    return out, merges
