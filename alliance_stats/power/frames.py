"""The data stages of a chunk of power replicates, with a replicate axis on every array.

One chunk of ``R`` replicates of ``N`` dyads runs the confirmatory plan's data chain once on ``(R, 2N)``
arrays instead of ``R`` times on DataFrames:

1. :func:`~alliance_stats.simulate.batch.simulate_batch`: the chunk's replicates drawn by the simulator's own
   generative model from one stream (each replicate distributed as :func:`simulate_alliances`), without
   identifiers, text answers and DataFrame assembly (:func:`chunk_from_arrays` takes any
   :class:`~alliance_stats.simulate.batch.SimulatedArrays`, e.g. one data set per seed);
2. :func:`~alliance_stats.data.quality.careless_exclusions_stack` (the careless-responding indices of every
   replicate, the pairwise covariances of the Mahalanobis rule in one pass);
3. :func:`~alliance_stats.data.scoring.construct_scores_stack` and the facts (declared missing codes removed);
4. the dyad scores (mean of the kept partners, as :func:`~alliance_stats.data.build_dyads`), the crisp
   configuration (the quadrant rule of :func:`~alliance_stats.typology.classification.classify`), the firms
   at risk and ``crossed`` (:func:`~alliance_stats.data.scoring.crossed_outcome` on all replicates at once);
5. the design matrices: :func:`~alliance_stats.models.build_design` codes one replicate (the template);
   every replicate's rows then go through the template's :meth:`Design.matrix` at once, and a replicate
   whose complete rows could make ``build_design`` refuse or code differently (constant outcome or column,
   an empty or unknown level, collinear columns, standardised predictors) is built by ``build_design`` itself,
   so a failure is counted with the very message the per-replicate path gave.

Every number equals the per-replicate chain's on the same data (tests/power/test_frames.py runs the public
functions on each replicate's table from :func:`~alliance_stats.simulate.batch.batch_responses`): the stacked
functions share their arithmetic with the single-data-set ones, and the rows of each replicate keep their order.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.data.dyads import dyad_column
from alliance_stats.data.quality import careless_exclusions_stack
from alliance_stats.data.scoring import construct_scores_stack, crossed_outcome
from alliance_stats.simulate.batch import SimulatedArrays, simulate_batch
from alliance_stats.simulate.simulator import CONFIGURATIONS

Block = tuple[np.ndarray, np.ndarray, np.ndarray | None]


@dataclass
class ChunkData:
    """What the data stages of one chunk give the analyses: design blocks per model, cluster data, counts."""

    R: int
    model_keys: list[str]
    failures: Counter[str]
    kept: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    method: np.ndarray  # (R, models): 2 = design could not be built, 3 = not (yet) estimated
    blocks: dict[str, list[tuple[int, Block]]]
    meta: dict[str, tuple[list[str], dict[str, Any], bool]]
    cluster_data: list[np.ndarray] = field(default_factory=list)
    theory: list[np.ndarray] = field(default_factory=list)


def _facts(values: dict[str, np.ndarray], instrument: Any) -> dict[str, np.ndarray]:
    """The firm facts score_responses keeps (non-item, non-identifier, non-personal), missing codes as NaN."""
    out = {}
    for var in instrument.variables:
        if var.name not in values or var.personal or var.type in ("identifier", "likert", "text"):
            continue
        column = values[var.name].copy()
        if var.missing_codes:
            column[np.isin(column, var.missing_codes)] = np.nan
        out[var.name] = column
    return out


def _dyad_columns(scores: dict[str, np.ndarray], kept: np.ndarray, instrument: Any) -> dict[str, np.ndarray]:
    """The dyad table's columns ``(R, N)`` from the kept respondents' scores (build_dyads' arithmetic)."""
    R, m = kept.shape

    def pair(values: np.ndarray) -> np.ndarray:
        return np.where(kept, values, np.nan).reshape(R, m // 2, 2)

    def mean_of_pair(values: np.ndarray) -> np.ndarray:  # np.nanmean over the two partners, in fewer passes
        both = pair(values)
        known = ~np.isnan(both)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(known[..., 0], both[..., 0], 0.0) + np.where(known[..., 1], both[..., 1], 0.0)) / \
                known.sum(axis=2)

    columns: dict[str, np.ndarray] = {"n_partners": kept.reshape(R, m // 2, 2).sum(axis=2)}
    for code, construct in instrument.constructs.items():
        if construct.level != "dyad" or code not in scores:
            continue
        columns[dyad_column(code)] = mean_of_pair(scores[code])
    if "DEP" in scores:
        dep = pair(scores["DEP"])
        columns["dep_a"], columns["dep_b"] = dep[..., 0], dep[..., 1]
        columns["dep_asymmetry"] = np.abs(dep[..., 0] - dep[..., 1])
    return columns


def _configurations(ctx: Any, dyads: dict[str, np.ndarray]) -> np.ndarray:
    """Configuration code ``(R, N)`` of every dyad (-1 where a score the rule needs is missing)."""
    from alliance_stats.typology.classification import _classify_with_cuts, resolve_cuts

    R, n = dyads["n_partners"].shape
    frame = pd.DataFrame({name: dyads[name].ravel() for name in ("n_partners", "link", "symmetry", "dep_asymmetry")
                          if name in dyads})  # the columns the rule reads
    options = {"cut": ctx.cut, "scale": ctx.scale, "asymmetry": ctx.asymmetry}
    if ctx.cut == "median":  # a cut from each replicate's own dyads
        labels = np.concatenate([
            _classify_with_cuts(part, resolve_cuts(part, **options), "link", "symmetry", "dep_asymmetry")[0]
            for part in (frame.iloc[r * n:(r + 1) * n] for r in range(R))])
    else:
        labels = _classify_with_cuts(frame, resolve_cuts(frame.iloc[:0], **options), "link", "symmetry",
                                     "dep_asymmetry")[0]
    codes = pd.Categorical(labels, categories=list(CONFIGURATIONS)).codes
    return np.asarray(codes, dtype=int).reshape(R, n)


def _firms(ctx: Any, facts: dict[str, np.ndarray], scores: dict[str, np.ndarray], dyads: dict[str, np.ndarray],
           configuration: np.ndarray, kept: np.ndarray) -> pd.DataFrame:
    """The firms at risk of every replicate, one row each (replicate, then respondent order), as
    :func:`~alliance_stats.data.firms_at_risk` gives them (``dyad_id`` is the dyad number)."""
    R, m = kept.shape
    at_risk = kept & (facts["STARTUP_AT_ALLIANCE"] == 1)
    rows = np.flatnonzero(at_risk.ravel())
    dyad_of = np.tile(np.repeat(np.arange(m // 2), 2), R)[rows]
    replicate = rows // m
    columns: dict[str, Any] = {"replicate": replicate, "dyad_id": dyad_of}
    columns.update({name: values.ravel()[rows] for name, values in {**facts, **scores}.items()})
    if "ALLIANCE_START_YEAR" in facts and "FOUNDING_YEAR" in facts:
        columns["firm_age"] = columns["ALLIANCE_START_YEAR"] - columns["FOUNDING_YEAR"]
    for name, values in dyads.items():
        if name not in ("dep_a", "dep_b"):
            columns[name] = values[replicate, dyad_of]
    codes = configuration[replicate, dyad_of]
    names = np.array([*CONFIGURATIONS, None], dtype=object)
    columns["configuration"] = names[np.where(codes >= 0, codes, len(CONFIGURATIONS))]
    firms = pd.DataFrame(columns)
    firms["crossed"] = crossed_outcome(firms, ctx.outcome).to_numpy()
    return firms


def _replicate_frame(firms: pd.DataFrame, r: int, n_dyads: int) -> pd.DataFrame:
    """Replicate ``r``'s firms as the per-replicate chain had them (dyad identifiers as text)."""
    part = firms[firms["replicate"] == r].drop(columns="replicate")
    width = max(4, len(str(n_dyads)))
    part["dyad_id"] = [f"D{k + 1:0{width}d}" for k in part["dyad_id"]]
    configuration = part["configuration"].to_numpy(dtype=object)
    part["configuration"] = np.where(pd.isna(configuration), np.nan, configuration)
    return part


def simulate_chunk(ctx: Any, n_dyads: int, reps: int, seed: np.random.SeedSequence) -> ChunkData:
    """Simulate the ``reps`` replicates of a chunk from one stream, then clean, score and classify them.

    Parameters
    ----------
    ctx
        The power analysis's context (``power.replicate._Context``).
    n_dyads
        Dyads per replicate.
    reps
        Replicates in the chunk.
    seed
        The chunk's simulation seed (:func:`~alliance_stats.simulate.batch.simulate_batch`).

    Returns
    -------
    ChunkData
        As :func:`chunk_from_arrays`.
    """
    return chunk_from_arrays(ctx, simulate_batch(n_dyads, ctx.params, reps, seed, ctx.instrument))


def chunk_from_arrays(ctx: Any, arrays: SimulatedArrays) -> ChunkData:
    """Clean, score and classify simulated replicates; collect designs and cluster data.

    Parameters
    ----------
    ctx
        The power analysis's context (``power.replicate._Context``).
    arrays
        The replicates' answers (:mod:`alliance_stats.simulate.batch`).

    Returns
    -------
    ChunkData
        Per replicate: respondents kept, firms at risk, share crossed, design blocks per model (failures
        counted), cluster data and crisp labels of the dyads with complete cluster variables.
    """
    inst = ctx.instrument
    n_dyads = arrays.n_dyads
    excluded = careless_exclusions_stack(arrays.values, inst, ctx.exclusions, np.repeat(np.arange(n_dyads), 2))
    kept = ~excluded
    scores = construct_scores_stack(arrays.values, inst, ctx.min_share)
    facts = _facts(arrays.values, inst)
    dyads = _dyad_columns(scores, kept, inst)
    configuration = _configurations(ctx, dyads)
    firms = _firms(ctx, facts, scores, dyads, configuration, kept)
    data = chunk_designs(ctx, firms, kept, n_dyads)
    add_cluster_data(data, ctx, dyads, configuration)
    return data


def chunk_designs(ctx: Any, firms: pd.DataFrame, kept: np.ndarray, n_dyads: int) -> ChunkData:
    """Counts per replicate (respondents kept, firms at risk, share crossed) and every model's design blocks.

    Parameters
    ----------
    ctx
        The power analysis's context.
    firms
        The firms at risk of every replicate (:func:`_firms`).
    kept
        ``(R, 2N)`` respondents kept after the exclusions.
    n_dyads
        Dyads per replicate.

    Returns
    -------
    ChunkData
        Without cluster data (:func:`add_cluster_data`).
    """
    R = kept.shape[0]
    replicate = firms["replicate"].to_numpy()
    crossed = firms["crossed"].to_numpy()
    at_risk = np.bincount(replicate, minlength=R)
    with np.errstate(invalid="ignore", divide="ignore"):
        events = (np.bincount(replicate, weights=np.nan_to_num(crossed), minlength=R)
                  / np.bincount(replicate, weights=~np.isnan(crossed), minlength=R))
    model_keys = list(ctx.models)
    data = ChunkData(R=R, model_keys=model_keys, failures=Counter(), kept=kept.sum(axis=1), at_risk=at_risk,
                     events=np.where(at_risk > 0, events, np.nan),
                     method=np.full((R, len(model_keys)), 2, dtype=np.int8),
                     blocks={key: [] for key in model_keys}, meta={})
    for m_index, key in enumerate(model_keys):
        _add_designs(data, m_index, key, firms, ctx.models[key], n_dyads)
    return data


def add_cluster_data(data: ChunkData, ctx: Any, dyads: dict[str, np.ndarray], configuration: np.ndarray) -> None:
    """Per replicate: the cluster variables of the dyads that have all of them, and their crisp labels."""
    values = np.stack([dyads[name] for name in ctx.cluster_variables], axis=-1)
    complete = ~np.isnan(values).any(axis=2)
    for r in range(data.R):
        data.cluster_data.append(values[r][complete[r]])
        data.theory.append(configuration[r][complete[r]])


def design_arrays(firms: pd.DataFrame, spec: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list[str],
                                                           dict[str, Any], bool]:
    """One replicate's design as the plan runner builds it: (X, y, groups, columns, factors, only categorical).

    Parameters
    ----------
    firms
        The replicate's firms at risk.
    spec
        The model (plan ``ModelSpec``).

    Returns
    -------
    tuple
        Design matrix, outcome, dyad group codes (or ``None``), column names, factor codings, and whether
        every predictor is categorical.

    Raises
    ------
    SpecificationError
        From :func:`~alliance_stats.models.build_design` (the replicate cannot be analysed).
    """
    from alliance_stats.models import build_design

    design = build_design(firms, spec.outcome, spec.predictors, categorical=dict(spec.categorical),
                          interactions=[tuple(p) for p in spec.interactions], standardize=spec.standardize,
                          cluster=spec.cluster)
    groups = None
    if design.groups is not None:
        groups = pd.factorize(design.groups.astype(object).map(str), sort=True)[0]
    only_categorical = all(name in design.factors for name in design.predictors)
    return (design.X.to_numpy(dtype=float), design.y.to_numpy(dtype=float), groups, list(design.X.columns),
            dict(design.factors), only_categorical)


#: Template designs of this process, by model: any replicate that build_design accepts gives the same coding
#: to every replicate that passes the checks of :func:`_fast_rows` (the levels of each factor are the declared
#: configurations or the sorted observed levels, and such a replicate has exactly the template's levels), so a
#: template found in one chunk serves the next chunks of the run (the key is the whole model specification).
_TEMPLATES: dict[str, Any] = {}


def _template(firms: pd.DataFrame, spec: Any, n_dyads: int, R: int) -> tuple[Any, int]:
    """A Design that ``build_design`` gave (this process's for this model, else that of the first replicate it
    accepts) and the replicates before that one (they are built by ``build_design``, which says why it refuses
    them); ``(None, R)`` if it accepts none."""
    from alliance_stats.models import build_design

    key = repr(spec)
    if key in _TEMPLATES:
        return _TEMPLATES[key], 0
    for r in range(R):
        try:
            design = build_design(_replicate_frame(firms, r, n_dyads), spec.outcome, spec.predictors,
                                  categorical=dict(spec.categorical),
                                  interactions=[tuple(p) for p in spec.interactions], cluster=spec.cluster)
        except SpecificationError:
            continue
        _TEMPLATES[key] = design
        return design, r
    return None, R


def _fast_rows(firms: pd.DataFrame, spec: Any, design: Any, R: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Template-coded rows of every replicate: (X, complete rows, replicates the template codes as
    build_design would: complete rows with both outcomes, every level present, no constant column)."""
    from alliance_stats.models.design import level_text

    used = [spec.outcome, *spec.predictors] + ([spec.cluster] if spec.cluster and spec.cluster not in
                                               spec.predictors else [])
    columns = {name: firms[name].to_numpy() for name in dict.fromkeys(used)}  # numpy, not a frame per chunk
    complete = ~np.logical_or.reduce([pd.isna(values) for values in columns.values()])
    X = design.matrix(firms)
    replicate = firms["replicate"].to_numpy()
    y = firms[spec.outcome].to_numpy(dtype=float)
    ok = np.ones(R, dtype=bool)
    counted = np.bincount(replicate[complete], minlength=R)
    ok &= counted > 0
    for value in (0.0, 1.0):
        ok &= np.bincount(replicate[complete], weights=(y[complete] == value), minlength=R) > 0
    ok &= np.bincount(replicate[complete], weights=~np.isin(y[complete], (0.0, 1.0)), minlength=R) == 0
    for name, coding in design.factors.items():
        values = columns[name] if name in columns else firms[name].to_numpy()
        codes, uniques = pd.factorize(values[complete].astype(object))  # -1: missing
        text = [level_text(u) for u in uniques] + [""]  # level_text of each distinct value, then of missing
        counts = np.bincount(replicate[complete] * len(text) + codes % len(text),
                             minlength=R * len(text)).reshape(R, len(text))  # rows per replicate and value
        levels = [level_text(level) for level in coding.levels]
        for level in levels:
            ok &= counts[:, [t == level for t in text]].sum(axis=1) > 0
        ok &= counts[:, [t not in levels for t in text]].sum(axis=1) == 0
    rows = replicate[complete]
    Xc = X[complete]
    starts = np.searchsorted(rows, np.arange(R))  # the firms are in replicate order
    present = counted > 0
    if Xc.shape[1] > 1 and present.any():  # a column constant within a replicate (max = min)
        high = np.maximum.reduceat(Xc[:, 1:], starts[present], axis=0)
        low = np.minimum.reduceat(Xc[:, 1:], starts[present], axis=0)
        ok[present] &= (high > low).all(axis=1)
    return X, complete, ok


def _clearly_full_rank(blocks: list[np.ndarray]) -> np.ndarray:
    """Per design matrix, whether ``build_design``'s rank check (models.design._check_rank: singular values of
    the column-scaled matrix above ``1e3 * max(n, p) * eps * s_max``) certainly passes: the singular values of
    all the matrices in one batched SVD (zero rows pad them to one size, which leaves the singular values
    unchanged up to rounding), accepted with a margin of 2 over the threshold, many orders of magnitude above
    the rounding; a matrix not accepted here goes through the check itself."""
    if not blocks:
        return np.zeros(0, dtype=bool)
    n_max = max(len(b) for b in blocks)
    stacked = np.zeros((len(blocks), n_max, blocks[0].shape[1]))
    for i, b in enumerate(blocks):
        stacked[i, : len(b)] = b
    norms = np.linalg.norm(stacked, axis=1, keepdims=True)
    s = np.linalg.svd(stacked / np.where(norms > 0, norms, 1.0), compute_uv=False)
    rows = np.array([max(b.shape) for b in blocks])
    threshold = 1e3 * rows * np.finfo(float).eps * s[:, 0]
    return s[:, -1] > 2 * threshold


def _group_codes(dyad: np.ndarray) -> np.ndarray:
    """``np.unique(dyad, return_inverse=True)[1]``: for the firms' dyad numbers, in increasing order within a
    replicate, the count of changes before each row."""
    if len(dyad) and (np.diff(dyad) >= 0).all():
        return np.concatenate([[0], np.cumsum(dyad[1:] != dyad[:-1])])
    return np.unique(dyad, return_inverse=True)[1]


def _add_designs(data: ChunkData, m_index: int, key: str, firms: pd.DataFrame, spec: Any, n_dyads: int) -> None:
    """Design blocks of model ``key`` for every replicate (a failure is counted, not raised)."""
    from alliance_stats.models.design import _check_rank

    design, first = (None, 0) if spec.standardize else _template(firms, spec, n_dyads, data.R)
    fast = np.zeros(data.R, dtype=bool)
    fast_blocks: dict[int, Block] = {}
    if design is not None:
        X, complete, fast = _fast_rows(firms, spec, design, data.R)
        fast[:first] = False  # those failed build_design: let it say why again, below
        replicate = firms["replicate"].to_numpy()
        bounds = np.searchsorted(replicate, np.arange(data.R + 1))  # the firms are in replicate order
        dyad = firms["dyad_id"].to_numpy()
        y_all = firms[spec.outcome].to_numpy(dtype=float)
        columns = list(design.X.columns)
        only_cat = all(name in design.factors for name in design.predictors)
        for r in np.flatnonzero(fast):
            rows = np.flatnonzero(complete[bounds[r]:bounds[r + 1]]) + bounds[r]
            groups = _group_codes(dyad[rows]) if spec.cluster else None
            fast_blocks[int(r)] = (X[rows], y_all[rows], groups)
        certain = dict(zip(fast_blocks, _clearly_full_rank([b[0] for b in fast_blocks.values()]), strict=True))
    for r in range(data.R):
        block = None
        if r in fast_blocks:
            Xr, yr, gr = fast_blocks[r]
            try:
                if not certain[r]:
                    _check_rank(pd.DataFrame(Xr, columns=columns))
            except SpecificationError:
                pass
            else:
                block = (Xr, yr, gr, columns, dict(design.factors), only_cat)
        if block is None:
            try:
                block = design_arrays(_replicate_frame(firms, r, n_dyads), spec)
            except SpecificationError as exc:
                data.failures[f"model {key}: {exc.message}"] += 1
                continue
        Xr, yr, gr, cols, factors, only = block
        if key not in data.meta:
            data.meta[key] = (cols, factors, only)
        elif data.meta[key][0] != cols:
            data.failures[f"model {key}: design columns differ between replicates"] += 1
            continue
        data.blocks[key].append((r, (Xr, yr, gr)))
        data.method[r, m_index] = 3
