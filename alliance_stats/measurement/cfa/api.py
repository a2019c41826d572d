"""Confirmatory factor analysis by maximum likelihood, with lavaan's fit measures: the public :func:`cfa`.

The sub-package is split along the method's phases: this module checks the arguments and the data and runs
the phases; :mod:`.engine` holds the parameter table, implied moments and the ML/FIML optimiser;
:mod:`.fit` the fit indices (chi-square, CFI, TLI, RMSEA and its interval, SRMR, scaled and robust
variants); :mod:`.robust` the MLM/MLR corrections; :mod:`.solution` the post-fit parameter table and
checks; :mod:`.results` :class:`CFAResult` and its report tables.

:func:`cfa` fits a measurement model written in lavaan syntax and returns a :class:`CFAResult` whose
numbers are lavaan's (0.6-14, the Debian reference): ``fit`` is keyed by ``fitMeasures`` names, loadings
carry ``parameterEstimates`` standard errors and ``standardizedSolution``'s ``std.all``, ``reliability``
is semTools 0.5-6's ``compRelSEM`` (omega) and ``AVE``.

Why the estimator is written here rather than taken from semopy
----------------------------------------------------------------
semopy 2.3.11 reproduces lavaan's chi-square, CFI and TLI on the classic three-factor model, but it has no
SRMR and no RMSEA interval, computes RMSEA with N - 1 and AIC/BIC from its fit function rather than from
the multivariate normal log-likelihood, has no FIML with lavaan's saturated-model conventions, no
multi-group equality constraints in lavaan's ``group.equal`` sense, and has had no release since early
2024. Adding all of that on top of it would have left us depending on its optimiser and parameter
conventions for little gain, so the ML estimator is written here (``cfa/engine.py``), following lavaan
step by step:

- identification by marker variable (first loading fixed to 1), factor covariances free, residual
  covariances only where written; with several groups, or with FIML, a mean structure (free intercepts,
  latent means fixed to 0, free in groups 2+ when intercepts are constrained equal);
- sample covariance with divisor N; objective the normal log-likelihood; ``chisq = N * F_ML`` (sum over
  groups of ``N_g * F_g``); minimised by Fisher scoring on the analytic gradient with step halving;
- standard errors from the expected information evaluated at the model-implied moments (lavaan's
  ``information = "expected"``, ``h1.information = "structured"``) for complete data, from the observed
  information (the Hessian of the log-likelihood) for FIML, as lavaan does for ``missing = "ml"``;
- ``logl``/``unrestricted.logl``/``aic``/``bic``/``bic2`` from the multivariate normal log-likelihood; CFI,
  TLI against the independence model; RMSEA ``sqrt(max(chisq/N/df - 1/N, 0)) * sqrt(G)`` and its 90 %
  interval by inverting the noncentral chi-square (``lav_fit_rmsea_ci``); SRMR as lavaan's ``srmr``
  (Bentler's, means included when the model has a mean structure, groups weighted by N_g / N);
- FIML (``missing="fiml"``): casewise likelihood by missingness pattern; the saturated model by lavaan's
  EM algorithm (same start, same 1e-5 stopping rule), which also supplies the "sample" moments used by
  SRMR, compRelSEM and AVE; rows with every item missing are dropped, as lavaan does;
- ``estimator="MLM"`` (complete data, one group): the same estimates, robust (``robust.sem``) standard
  errors, the Satorra-Bentler scaled test with lavaan's scaled and robust CFI/TLI/RMSEA;
  ``estimator="MLR"`` (complete data or FIML, any number of groups): observed information, Huber-White standard
  errors from the casewise scores and the Yuan-Bentler T2* test (lavaan's ``yuan.bentler.mplus``)
  (:mod:`alliance_stats.measurement.cfa.robust`; both checked by ``make_fixtures_mlm.R``).

Every number is checked against lavaan 0.6-14 / semTools 0.5-6 in ``tests/measurement`` (fixtures made by
``tests/fixtures/measurement/make_fixtures_lavaan.R``; all agree to 1e-4 or better). Speed: Fisher scoring
switches to Newton steps with the exact Hessian (derivatives written as sums of rank-2 terms, so the
information costs small matrix products, even under FIML with many missingness patterns), and BLAS runs
single-threaded on these small matrices. For a small model the cost is Python's, not arithmetic: what depends
on the model alone (its parse, parameter table and index arrays: :func:`engine.structure`) is built once per
model (with the text columns of its tables), the result tables are assembled from numpy arrays in one step
(``solution.frame_of_columns``), the items are read from the columns' arrays without their Series, and the RMSEA
interval's roots are found by Newton steps (:func:`fit.noncentrality`); the numbers are those of the step-by-step
route (to the last bit, or to rounding: 1e-15). On HolzingerSwineford1939 the first ``cfa()`` of the data (with
every fit measure, SE, std.all, omega and AVE) takes about a seventh of semopy's ``Model.fit`` plus
``calc_stats``, a cold one (a model never seen by the process) about a sixth, a repeat on the same data (shared
results, ``engine.MEMO``) about a tenth (``benchmarks/bench_measurement.py``).
"""


from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from alliance_stats.core.errors import (
    AnalysisWarning,
    ConvergenceWarning,
    DataQualityWarning,
    SparseDataWarning,
    SpecificationError,
)
from alliance_stats.core.results import warn
from alliance_stats.measurement.cfa import engine, robust
from alliance_stats.measurement.cfa.fit import fit_measures
from alliance_stats.measurement.cfa.results import SINGLE_GROUP, CFAResult
from alliance_stats.measurement.cfa.solution import (
    check_identified,
    check_solution,
    frame_of_matrix,
    parameter_frames,
    vcov_of_information,
)
from alliance_stats.measurement.cfa.wls import ORDINAL_ESTIMATORS
from alliance_stats.measurement.composite import composite_reliability
from alliance_stats.measurement.syntax import MeasurementModel, parse_model

__all__ = ["cfa"]

_THREADPOOLS: ThreadpoolController | None = None


class _single_threaded_blas:  # noqa: N801 - used as a function: ``with _single_threaded_blas():``
    """BLAS limited to one thread: our matrices are small (items x items, parameters x parameters), where
    multi-threaded OpenBLAS only adds overhead, and is dramatically slower on a busy machine. What
    threadpoolctl's ``limit(limits=1, user_api="blas")`` does, without its bookkeeping: each BLAS library found
    at the first call set to one thread, and set back on leaving when it had more."""

    def __enter__(self) -> None:
        global _THREADPOOLS
        if _THREADPOOLS is None:
            _THREADPOOLS = ThreadpoolController().select(user_api="blas")
        self.libraries = _THREADPOOLS.lib_controllers
        self.previous = [lib.get_num_threads() for lib in self.libraries]
        for lib, threads in zip(self.libraries, self.previous, strict=True):
            if threads != 1:
                lib.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        for lib, threads in zip(self.libraries, self.previous, strict=True):
            if threads is not None and threads != 1:
                lib.set_num_threads(threads)


def _column_array(data: pd.DataFrame, name: str) -> object:
    """The values of column ``name`` (a numpy or extension array) without building its Series (a Series costs about
    12 microseconds: a fifth of the data preparation of a small model's fit, issue 17's anchor against semopy),
    through pandas' own accessor of a column's values (``DataFrame._get_column_array``, present since pandas 1.1);
    ``None`` when the name is not exactly one column or pandas has no such accessor (the caller reads the Series)."""
    getter = getattr(data, "_get_column_array", None)
    loc = data.columns.get_loc(name)
    return getter(loc) if getter is not None and isinstance(loc, int) else None


def _numeric_items(data: pd.DataFrame, model: MeasurementModel) -> np.ndarray:
    """The items as a float matrix (NaN for missing); a text or infinite value raises, naming the cell."""
    values = np.empty((len(data), len(model.items)))
    for j, item in enumerate(model.items):
        array = _column_array(data, item)
        if isinstance(array, np.ndarray) and array.dtype.kind in "biuf":  # numpy's numbers and booleans: no NA
            values[:, j] = array
            continue
        column = data[item]
        dtype = column.dtype
        if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            values[:, j] = column.to_numpy(dtype=float, na_value=np.nan)
            continue
        numbers = pd.to_numeric(column, errors="coerce")
        bad = (numbers.isna() & column.notna()).to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise SpecificationError(
                f"item {item!r} is not numeric",
                row=row + 1, column=item, value=column.iloc[row], line=model.line_of(item),
                fix="score the answers as numbers (the data stage does this) or drop the item",
            )
        values[:, j] = numbers.astype(float).to_numpy(dtype=float, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        r, c = np.argwhere(infinite)[0]
        raise SpecificationError("an item has an infinite value", row=int(r) + 1, column=model.items[c],
                                 value=values[r, c], fix="replace infinite values by valid answers or missing values")
    return values


def _check_group_sample(values: np.ndarray, items: tuple[str, ...], label: str, model: MeasurementModel,
                        multi: bool, cov: np.ndarray | None = None) -> None:
    """Too few rows, a constant item, a singular covariance matrix (``cov``: the rows' covariance matrix when
    the caller has it)."""
    where = f" in group {label!r}" if multi else ""
    n, p = values.shape
    if n < 2:
        raise SpecificationError(
            f"{n} usable observation{where}: a CFA needs many more",
            fix="collect more responses (at least 5 per free parameter is a common minimum)",
        )
    incomplete = bool(np.isnan(values).any())
    if incomplete:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an item with no answer: NaN
            low, high = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
    else:
        low, high = values.min(axis=0), values.max(axis=0)
    for j, item in enumerate(items):
        if not high[j] > low[j]:  # constant (its SD may round to 1e-17 instead of 0), or no answer
            observed = values[~np.isnan(values[:, j]), j]
            value = observed[0] if observed.size else None
            raise SpecificationError(
                f"item {item!r} is constant{where} (every answer is {value})"
                if value is not None else f"item {item!r} has no observed answer{where}",
                column=item, line=model.line_of(item), value=value,
                fix="drop the item from the model: it carries no information",
            )
    if incomplete:
        return
    if n <= p:
        raise SpecificationError(
            f"{n} complete observations{where} for {p} items: the sample covariance matrix is singular",
            fix="collect more responses than there are items (at least 5 per free parameter), or use "
            "fewer items",
        )
    if cov is None:
        centred = values - values.mean(axis=0)
        cov = centred.T @ centred
    scale = np.sqrt(np.diag(cov))
    corr = cov / np.outer(scale, scale)  # the correlation matrix (np.corrcoef's, to rounding)
    eigval = np.linalg.eigvalsh(corr)
    if eigval[0] < 1e-10 * max(eigval[-1], 1.0):
        eigval, eigvec = np.linalg.eigh(corr)
        weights = np.abs(eigvec[:, 0])
        involved = [items[j] for j in np.argsort(-weights) if weights[j] > 0.1]
        raise SpecificationError(
            f"the covariance matrix of the items{where} is singular: items {', '.join(involved)} are "
            "linearly dependent (one is an exact combination of the others, or two are duplicates)",
            column=involved[0], line=model.line_of(involved[0]),
            fix="drop one of these items from the model",
        )


def _prepare(data: pd.DataFrame, model: MeasurementModel, missing: str, group: str | None,
             messages: list[str]) -> tuple[list[engine.GroupData], tuple[str, ...], int]:
    values = _numeric_items(data, model)
    if group is not None:
        labels_all = data[group]
        keep = labels_all.notna().to_numpy()
        if not keep.all():
            warn(messages, f"{int((~keep).sum())} row(s) with no value in the group column {group!r} were "
                  "dropped", DataQualityWarning)
    else:
        labels_all = None
        keep = np.ones(len(data), dtype=bool)
    # listwise: rows with any missing item go; FIML: only rows with every item missing (as lavaan)
    missed = np.isnan(values)
    if not missed.any():  # complete data (the usual case): every row usable, without the rows' reductions
        usable = np.ones(len(values), dtype=bool)
    else:
        usable = ~missed.any(axis=1) if missing == "listwise" else ~missed.all(axis=1)
    if missing != "listwise" and not usable.all():
        warn(messages, f"{int((~usable).sum())} row(s) with every item missing were dropped (lavaan does "
              "the same)", DataQualityWarning)
    if missing == "listwise" and not (usable | ~keep).all():
        warn(messages, f"{int((~usable & keep).sum())} of {int(keep.sum())} row(s) with a missing answer were "
              "dropped (listwise deletion; missing='fiml' keeps them)", DataQualityWarning)
    keep = keep & usable
    n_dropped = int(len(data) - keep.sum())
    values = values[keep] if n_dropped else values  # a new array either way (made by _numeric_items)
    if group is None:
        group_labels: tuple[str, ...] = (SINGLE_GROUP,)
        blocks = [values]
    else:
        kept_labels = labels_all.to_numpy()[keep]  # type: ignore[union-attr]
        uniques = pd.unique(kept_labels)
        if len(uniques) < 2:
            raise SpecificationError(
                f"group column {group!r} has {len(uniques)} distinct value among the usable rows",
                column=group, fix="use a grouping column with at least two groups, or group=None",
            )
        group_labels = tuple(str(u) for u in uniques)
        blocks = [values[kept_labels == u] for u in uniques]
    groups = []
    for label, block in zip(group_labels, blocks, strict=True):
        complete = engine.group_data_complete(label, block) if missing == "listwise" and len(block) > 1 else None
        _check_group_sample(block, model.items, label, model, group is not None,
                            None if complete is None else complete.cov)
        if missing != "listwise":
            seen = (~np.isnan(block)).astype(float)
            never = np.argwhere(np.triu(seen.T @ seen == 0, k=1))
            if never.size:
                where = f" in group {label!r}" if group is not None else ""
                pairs = ", ".join(f"{model.items[i]}-{model.items[j]}" for i, j in never[:5])
                warn(messages, f"{len(never)} pair(s) of items are never answered by the same respondent{where} "
                      f"({pairs}{', ...' if len(never) > 5 else ''}): their covariance comes from the model alone "
                      "(lavaan's 0% coverage warning)", DataQualityWarning)
        if missing != "listwise" and block.shape[0] <= block.shape[1]:
            where = f"group {label!r} has" if group is not None else "the data have"
            warn(messages, f"{where} {block.shape[0]} respondents for {block.shape[1]} items: fewer "
                  "respondents than items, so its estimates and fit measures are not trustworthy",
                  SparseDataWarning)
        if complete is not None:
            groups.append(complete)
        else:
            gd = engine.group_data_missing(label, block)
            if np.linalg.eigvalsh(gd.cov)[0] < 1e-8 * np.max(np.diag(gd.cov)):
                few = block.shape[0] <= block.shape[1]
                raise SpecificationError(
                    "the EM estimate of the items' covariance matrix"
                    + (f" in group {label!r}" if group is not None else "") + " is singular"
                    + (f" ({block.shape[0]} respondents for {block.shape[1]} items)" if few else ""),
                    fix="collect more responses than there are items, or fit fewer constructs at a time" if few
                    else "drop an item that duplicates another one or collect more responses",
                )
            groups.append(gd)
    return groups, group_labels, n_dropped


def cfa(
    data: pd.DataFrame,
    model: str | MeasurementModel,
    *,
    estimator: str = "ML",
    missing: str = "listwise",
    group: str | None = None,
    group_equal: Sequence[str] = (),
    allow_cross_loadings: bool = False,
    ordered: bool | Sequence[str] | None = None,
    cluster: str | None = None,
) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood, numbers as lavaan's ``cfa()``.

    Parameters
    ----------
    data
        One row per respondent; the items named in ``model`` must be numeric columns. Not modified.
    model
        lavaan measurement syntax (``f =~ a + b + c``, ``a ~~ b``; see
        :mod:`alliance_stats.measurement.syntax`) or a parsed :class:`MeasurementModel`.
    estimator
        ``"ML"`` (normal-theory maximum likelihood); ``"MLM"`` (lavaan's ``estimator = "MLM"``: the ML
        estimates with ``robust.sem`` standard errors and the Satorra-Bentler scaled test; complete data,
        one group); ``"MLR"`` (lavaan's ``estimator = "MLR"``: Huber-White standard errors and the
        Yuan-Bentler T2* scaled test, ``yuan.bentler.mplus``; complete data or ``missing="fiml"``, one or
        more groups). Both add to ``.fit`` lavaan's ``chisq.scaled``, ``pvalue.scaled``, ``chisq.scaling.factor``,
        ``baseline.chisq.scaled``, ``cfi.scaled``, ``tli.scaled``, ``rmsea.scaled`` (and CI) and the
        robust ``cfi.robust``, ``tli.robust``, ``rmsea.robust`` (and CI) of Brosseau-Liard and Savalei (under
        FIML with lavaan's FIML correction, ``lav_fit_fiml_corrected``), the ones to report for skewed Likert
        items.
    missing
        ``"listwise"`` (lavaan's default: rows with a missing item are dropped) or ``"fiml"`` (``"ml"``
        is accepted as lavaan's name): full-information ML using every answer.
    group
        Column defining groups for a multi-group model (lavaan's ``group=``); groups are ordered by first
        appearance, as lavaan does.
    group_equal
        lavaan's ``group.equal``: any of ``loadings``, ``intercepts``, ``means``, ``residuals``,
        ``residual.covariances``, ``lv.variances``, ``lv.covariances``.
    allow_cross_loadings
        Accept an item on two factors.
    ordered
        The ordinal route (lavaan's ``ordered =``): ``True`` or the list of the model's items, with
        ``estimator="WLSMV"`` (also ``"DWLS"``, ``"ULSMV"``; an ordinal estimator alone implies ``ordered=True``)
        and ``missing="listwise"`` or ``"pairwise"``: thresholds and polychoric correlations, delta
        parameterization, robust standard errors and the scaled-shifted test, as lavaan 0.6-14 (see
        :func:`alliance_stats.measurement.cfa.ordinal.ordinal_cfa`); one group.
    cluster
        Column of cluster identifiers (e.g. ``dyad_id``: the two partners of an alliance), lavaan's ``cluster =``
        for a single-level model: the same estimates with a mean structure, cluster-robust standard errors
        (``se = "robust.cluster"``) and the Yuan-Bentler test with scores summed within clusters, for
        ``estimator="ML"`` and ``"MLR"`` (one group; complete data or FIML); see
        :func:`alliance_stats.measurement.cfa.robust.yuan_bentler`.

    Returns
    -------
    CFAResult

    Raises
    ------
    SpecificationError
        A model line that is not valid syntax or names a missing column (the line is named), a non-numeric
        or constant item, too few observations, a singular covariance matrix, an unidentified model.

    Warns
    -----
    ConvergenceWarning, HeywoodWarning, SparseDataWarning, DataQualityWarning
        Also listed in ``result.warnings``.

    References
    ----------
    Rosseel, Y. (2012). lavaan: An R package for structural equation modeling. *Journal of Statistical
    Software*, 48(2), 1-36 (lavaan 0.6-14 ``cfa()``, ``fitMeasures()``, ``parameterEstimates()``,
    ``standardizedSolution()``); semTools 0.5-6 ``compRelSEM()`` and ``AVE()``.
    Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics and standard errors in covariance
    structure analysis. In *Latent variables analysis* (pp. 399-419). Sage (MLM).
    Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance structure
    analysis with nonnormal missing data. *Sociological Methodology*, 30, 165-200 (MLR).
    Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit indices for nonnormality.
    *Multivariate Behavioral Research*, 49(5), 460-470 (robust CFI and TLI).
    Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis.
    *Structural Equation Modeling*, 6(1), 1-55.

    Examples
    --------
    >>> import pandas as pd
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> res = cfa(hs, "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6\\nspeed =~ x7 + x8 + x9")
    >>> round(res.fit["chisq"], 3), int(res.fit["df"]), round(res.fit["rmsea"], 3)
    (85.306, 24, 0.092)
    >>> sorted(res.to_tables())
    ['cfa_factor_corr', 'cfa_fit', 'cfa_loadings', 'cfa_reliability']
    """
    if str(estimator).upper() in ORDINAL_ESTIMATORS or ordered not in (None, False):
        return _ordinal_route(data, model, estimator, missing, group, tuple(group_equal), allow_cross_loadings,
                              ordered)
    settings = _check_options(estimator, missing, group, tuple(group_equal))
    if cluster is not None:
        settings = _with_cluster(settings, cluster)
    with _single_threaded_blas():
        return _cfa(data, model, settings, allow_cross_loadings)


def _ordinal_route(data: pd.DataFrame, model: str | MeasurementModel, estimator: str, missing: str,
                   group: str | None, group_equal: tuple[str, ...], allow_cross_loadings: bool,
                   ordered: bool | Sequence[str] | None) -> CFAResult:
    """``ordered=`` or an ordinal estimator: checks, then :func:`ordinal.ordinal_cfa` (single-threaded BLAS)."""
    from alliance_stats.measurement.cfa.ordinal import ordinal_cfa

    if str(estimator).upper() not in ORDINAL_ESTIMATORS:
        raise SpecificationError(f"ordered items need an ordinal estimator, not {estimator!r}", value=estimator,
                                 fix="use estimator='WLSMV' (or 'DWLS', 'ULSMV'), or drop ordered= to treat the "
                                     "answers as continuous (ML, MLR)")
    if group is not None or group_equal:
        raise SpecificationError("the ordinal CFA is fitted in one group", value=group,
                                 fix="drop group=/group_equal=, or fit each group separately")
    with _single_threaded_blas():
        return ordinal_cfa(data, model, estimator=estimator, ordered=True if ordered is None else ordered,
                           missing=missing, allow_cross_loadings=allow_cross_loadings)


@dataclass(frozen=True)
class _Settings:
    """The checked options of one :func:`cfa` call."""

    estimator: str
    missing: str
    group: str | None
    group_equal: tuple[str, ...]
    cluster: str | None = None

    @property
    def multi(self) -> bool:
        return self.group is not None

    @property
    def meanstructure(self) -> bool:  # lavaan's defaults, also for MLM and MLR; a cluster adds a mean structure
        return self.group is not None or self.missing == "fiml" or self.cluster is not None


@dataclass
class _Estimates:
    """What the estimation phase hands to the assembly phase."""

    outcome: engine.FitOutcome
    vcov: np.ndarray
    fit: dict[str, float]
    implied: list[tuple[np.ndarray, np.ndarray]]
    mats: list[dict[str, np.ndarray]]


def _check_options(estimator: str, missing: str, group: str | None, group_equal: tuple[str, ...]) -> _Settings:
    estimator_key = str(estimator).upper()
    if estimator_key not in ("ML", "MLM", "MLR"):
        raise SpecificationError(f"estimator {estimator!r} is not available", value=estimator,
                                 fix="use estimator='ML', 'MLM' (Satorra-Bentler) or 'MLR' (Huber-White and "
                                     "Yuan-Bentler); for ordered categories 'WLSMV', 'DWLS' or 'ULSMV'")
    missing_key = {"listwise": "listwise", "fiml": "fiml", "ml": "fiml"}.get(str(missing).lower())
    if missing_key is None:
        raise SpecificationError(f"missing={missing!r} is not one of 'listwise', 'fiml'", value=missing,
                                 fix="use missing='listwise' or missing='fiml'")
    if estimator_key == "MLM" and (missing_key == "fiml" or group is not None):
        raise SpecificationError("estimator='MLM' (Satorra-Bentler) needs complete data in a single group",
                                 value=estimator, fix="use estimator='MLR' with missing answers, missing='listwise' "
                                                      "and group=None with MLM, or estimator='ML'")
    unknown = [g for g in group_equal if g not in engine.GROUP_EQUAL_KINDS]
    if unknown:
        raise SpecificationError(f"group_equal has unknown constraint {unknown[0]!r}", value=unknown[0],
                                 fix=f"use any of {', '.join(engine.GROUP_EQUAL_KINDS)}")
    if group_equal and group is None:
        raise SpecificationError("group_equal needs a group column", fix="pass group='<column>'")
    return _Settings(estimator_key, missing_key, group, tuple(group_equal))


def _with_cluster(settings: _Settings, cluster: str) -> _Settings:
    """The options with lavaan's ``cluster =`` (ML or MLR, one group)."""
    if settings.estimator == "MLM" or settings.group is not None:
        raise SpecificationError("cluster= is available with estimator 'ML' or 'MLR' in a single group",
                                 value=cluster, fix="use estimator='MLR' and no group column with cluster=")
    return _Settings(settings.estimator, settings.missing, settings.group, settings.group_equal, str(cluster))


def _cluster_codes(data: pd.DataFrame, parsed: MeasurementModel, settings: _Settings) -> list[np.ndarray] | None:
    """Cluster codes of the rows the fit uses, in the order of the casewise scores (``None`` without cluster)."""
    if settings.cluster is None:
        return None
    if settings.cluster not in data.columns:
        raise SpecificationError(f"cluster column {settings.cluster!r} is not in the data", column=settings.cluster,
                                 fix="name an existing column (e.g. dyad_id)")
    values = _numeric_items(data, parsed)
    usable = ~np.isnan(values).any(axis=1) if settings.missing == "listwise" else ~np.isnan(values).all(axis=1)
    labels = data[settings.cluster].to_numpy()[usable]
    absent = pd.isna(labels)
    if absent.any():
        row = int(np.flatnonzero(usable)[np.flatnonzero(absent)[0]])
        raise SpecificationError(f"cluster column {settings.cluster!r} has a missing value", row=row + 1,
                                 column=settings.cluster, fix="give every respondent a cluster identifier")
    if len(pd.unique(labels)) < 2:
        raise SpecificationError(f"cluster column {settings.cluster!r} has fewer than two clusters",
                                 column=settings.cluster, fix="cluster by a column with many clusters")
    return [robust.cluster_codes(values[usable], labels.astype(str), settings.missing == "fiml")]


def _parsed(text: str, allow_cross_loadings: bool) -> MeasurementModel:
    """:func:`parse_model` of a model's text, shared through :data:`engine.STRUCTURES` (the model is immutable;
    an error is raised again at each call, never kept)."""
    if not isinstance(text, str):
        return parse_model(text, allow_cross_loadings=allow_cross_loadings)
    return engine.STRUCTURES.get(("parsed", text, bool(allow_cross_loadings)),
                                 lambda: parse_model(text, allow_cross_loadings=allow_cross_loadings))


def _check_model(data: pd.DataFrame, model: str | MeasurementModel, group: str | None,
                 allow_cross_loadings: bool) -> MeasurementModel:
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError(f"data must be a pandas DataFrame, got {type(data).__name__}",
                                 fix="pass the scored responses as a DataFrame")
    parsed = model if isinstance(model, MeasurementModel) else _parsed(model, allow_cross_loadings)
    parsed.check_columns(data.columns)
    if group is not None:
        if group not in data.columns:
            raise SpecificationError(f"group column {group!r} is not in the data", column=group,
                                     fix="name an existing column")
        if group in parsed.items:
            raise SpecificationError(f"group column {group!r} is also an item of the model", column=group,
                                     line=parsed.line_of(group), fix="group by a column that is not an item")
    return parsed


def _specify(parsed: MeasurementModel, groups: list[engine.GroupData], labels: tuple[str, ...],
             settings: _Settings, messages: list[str]) -> tuple[engine.CFAModel, np.ndarray]:
    """Parameter table, identification checks and start values."""
    built = engine.structure(parsed, len(groups), settings.meanstructure, settings.group_equal)
    table = built.table
    cfa_model = engine.CFAModel(table, groups, built)
    p = len(parsed.items)
    moments = len(groups) * (p * (p + 1) // 2 + (p if settings.meanstructure else 0))
    if table.n_free > moments:
        raise SpecificationError(
            f"the model has {table.n_free} free parameters but the data give only {moments} moments "
            f"(df = {moments - table.n_free}): it is not identified",
            fix="add items (three or more per factor) or fix parameters",
        )
    if settings.estimator != "ML" or settings.cluster is not None:
        robust.check_robust_sample(groups, labels, p, table.n_free, settings.estimator, settings.multi)
    start = cfa_model.start_values()
    _, _, info0 = cfa_model.gradient_information(start)
    check_identified(info0, table)
    n_total = cfa_model.n_total
    if n_total < 5 * table.n_free:
        warn(messages, f"{n_total} observations for {table.n_free} free parameters: fewer than 5 per "
             "parameter, estimates and fit indices may be unstable", SparseDataWarning)
    if moments == table.n_free:
        warn(messages, "the model is just-identified (df = 0): it reproduces the data exactly and its fit "
             "cannot be tested (chi-square 0, CFI 1, RMSEA 0)", AnalysisWarning)
    return cfa_model, start


def _estimate(cfa_model: engine.CFAModel, start: np.ndarray, groups: list[engine.GroupData], settings: _Settings,
              messages: list[str], clusters: list[np.ndarray] | None = None) -> tuple[_Estimates, bool]:
    """ML (or FIML) estimates, their covariance matrix (robust with MLM/MLR) and the fit measures."""
    outcome = engine.fit(cfa_model, start)
    if not outcome.converged:
        warn(messages, f"the CFA did not converge after {outcome.iterations} iterations "
             f"({outcome.message}); results are not trustworthy", ConvergenceWarning)
    # lavaan's defaults: expected information for complete data, observed information for FIML and MLR
    observed = settings.missing == "fiml" or settings.estimator == "MLR" or clusters is not None
    information = cfa_model.observed_information(outcome.theta) if observed else outcome.information
    vcov, vcov_ok = vcov_of_information(information)
    if not vcov_ok:
        warn(messages, "the information matrix is singular or not positive definite: standard errors "
             "could not be computed (the model may not be identified)", ConvergenceWarning)
    implied = []
    mats = []
    for g in range(len(groups)):
        sigma, mu, mg = cfa_model.implied(outcome.theta, g)
        implied.append((sigma, mu))
        mats.append(mg)
    fit = fit_measures(cfa_model, outcome, groups, implied)
    try:
        if settings.estimator == "MLM" and vcov_ok:
            vcov = robust.satorra_bentler(cfa_model, outcome.theta, groups[0], implied[0][0], fit)
        if (settings.estimator == "MLR" or clusters is not None) and vcov_ok:
            vcov = robust.yuan_bentler(cfa_model, outcome.theta, groups, implied, information, fit, clusters,
                                       h1_test_information=settings.estimator == "ML")
    except np.linalg.LinAlgError:
        raise SpecificationError(
            f"estimator {settings.estimator!r}: a matrix its robust corrections need is singular (for example two "
            "items never answered by the same respondent, or too few respondents)", value=settings.estimator,
            fix="use estimator='ML', or collect answers to every pair of items") from None
    return _Estimates(outcome, vcov, fit, implied, mats), vcov_ok


def _latent_tables(parsed: MeasurementModel, groups: list[engine.GroupData], labels: tuple[str, ...],
                   mats: list[dict[str, np.ndarray]], multi: bool, messages: list[str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Factor correlations and composite reliability (omega, AVE), by group when there are groups."""
    factors = list(parsed.factors)
    corr_frames = []
    rel_frames = []
    for g in range(len(labels)):
        psi = mats[g]["psi"]
        sd = np.sqrt(np.where(np.diag(psi) > 0, np.diag(psi), np.nan))
        corr = psi / np.outer(sd, sd)
        corr_frames.append(frame_of_matrix(corr, _names(parsed.factors, "factor").view(),
                                           _names(parsed.factors).view()))
        rel_frames.append(composite_reliability(mats[g]["lambda"], psi, groups[g].cov, parsed.items, factors))
    if multi:
        factor_corr = pd.concat(corr_frames, keys=list(labels), names=["group", "factor"])
        reliability = pd.concat(rel_frames, keys=list(labels), names=["group", "factor"])
    else:
        factor_corr = corr_frames[0]
        reliability = rel_frames[0]
    lam0 = mats[0]["lambda"]
    for f, factor in enumerate(factors):
        if (lam0[:, f] < 0).any() and (lam0[:, f] > 0).any():
            neg = [parsed.items[i] for i in np.flatnonzero(lam0[:, f] < 0)]
            pos = [parsed.items[i] for i in np.flatnonzero(lam0[:, f] > 0)]
            warn(messages, f"factor {factor!r} has loadings of both signs (positive: {', '.join(pos)}; "
                 f"negative: {', '.join(neg)}): omega sums raw loadings and is then meaningless; reverse-key "
                 "the items of one sign before the CFA", DataQualityWarning)
    return factor_corr, reliability


@functools.lru_cache(maxsize=64)
def _names(names: tuple[str, ...], name: str | None = None) -> pd.Index:
    """``pd.Index(list(names), name=name)``, built once (callers take a ``.view()``: a result's index may be
    renamed in place without touching the others')."""
    return pd.Index(list(names), name=name)


def _moments_by_group(items: pd.Index, labels: tuple[str, ...], moments: list[tuple[np.ndarray, np.ndarray]]
                      ) -> dict[str, dict[str, pd.DataFrame | pd.Series]]:
    return {label: {"cov": frame_of_matrix(cov, items.view(), items.view()),
                    "mean": pd.Series(mean, index=items.view())}
            for label, (cov, mean) in zip(labels, moments, strict=True)}


def _cfa(data: pd.DataFrame, model: str | MeasurementModel, settings: _Settings,
         allow_cross_loadings: bool) -> CFAResult:
    parsed = _check_model(data, model, settings.group, allow_cross_loadings)
    messages: list[str] = []
    groups, group_labels, n_dropped = _prepare(data, parsed, settings.missing, settings.group, messages)
    cfa_model, start = _specify(parsed, groups, group_labels, settings, messages)
    est, vcov_ok = _estimate(cfa_model, start, groups, settings, messages, _cluster_codes(data, parsed, settings))
    table = cfa_model.table
    se_free = np.sqrt(np.clip(np.diag(est.vcov), 0.0, None)) if vcov_ok else np.full(table.n_free, np.nan)
    params, loadings = parameter_frames(table, est.outcome.theta, se_free, est.mats, est.implied, group_labels,
                                        settings.multi)
    check_solution(est.mats, table, group_labels, messages, settings.multi)
    factor_corr, reliability = _latent_tables(parsed, groups, group_labels, est.mats, settings.multi, messages)
    items = _names(parsed.items)
    names = _names(tuple(table.free_names()))
    return CFAResult(
        model=parsed, fit=est.fit, loadings=loadings, factor_corr=factor_corr, reliability=reliability,
        params=params, warnings=tuple(messages), groups=group_labels,
        n_obs={label: groups[g].n for g, label in enumerate(group_labels)}, n_dropped=n_dropped,
        converged=est.outcome.converged, iterations=est.outcome.iterations, estimator=settings.estimator,
        missing=settings.missing, group=settings.group, group_equal=settings.group_equal,
        implied=_moments_by_group(items, group_labels, [(s, m) for s, m in est.implied]),
        sample=_moments_by_group(items, group_labels, [(g.cov, g.mean) for g in groups]),
        vcov=frame_of_matrix(est.vcov, names.view(), names.view()),
    )
