"""Design matrices built from declared column names only.

No formula strings are accepted (docs/design.md section 7: nothing from a plan is handed to patsy/formulaic).
A model is declared by an outcome column, a list of predictor columns, the categorical predictors with their
reference level, the continuous predictors to standardise and interactions as pairs of predictors.

Coding (the same as R's ``model.matrix`` with ``contr.treatment``):

- intercept column ``(Intercept)``;
- a categorical predictor ``f`` with reference ``r`` gets one 0/1 column ``f[level]`` per other level, in
  the level order (pandas categories when the column is categorical, the four configurations in the order of
  the typology when the values are configuration codes, else sorted values);
- a continuous predictor keeps its name; when standardised it is ``(x - mean) / sd`` with the sample SD
  (``ddof = 1``, as R's ``scale()``), computed on the rows kept for the model;
- an interaction ``(a, b)`` is the product of every column of ``a`` with every column of ``b``, named
  ``a_col:b_col`` (``link:symmetry``, ``configuration[entraide]:trust_shared``).

Rows with a missing value in the outcome, a predictor or the cluster column are dropped (listwise) and
counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError

__all__ = ["Design", "FactorCoding", "build_design", "level_text", "CONFIGURATION_LEVELS", "INTERCEPT"]

INTERCEPT = "(Intercept)"

# The four configurations (docs/design.md section 2); the typology module owns the labels.
CONFIGURATION_LEVELS: tuple[str, ...] = ("entraide", "parrainage", "survie", "contre_nature")

# `crossed` is derived from AWARE and TRANSF (docs/design.md section 3): they cannot explain it.
_OUTCOME_COMPONENTS: dict[str, tuple[str, ...]] = {"crossed": ("AWARE", "TRANSF")}


@dataclass(frozen=True)
class FactorCoding:
    """Treatment coding of one categorical predictor."""

    name: str
    levels: tuple[Any, ...]  # reference first
    reference: Any

    def column(self, level: Any) -> str:
        return f"{self.name}[{level_text(level)}]"

    @property
    def columns(self) -> list[str]:
        return [self.column(level) for level in self.levels[1:]]


@dataclass
class Design:
    """A model's design matrix with everything needed to rebuild it on counterfactual data.

    Attributes
    ----------
    X : DataFrame
        Design matrix (``(Intercept)`` first), indexed like the kept rows of the input.
    y : Series
        Outcome (0/1 floats).
    groups : Series or None
        Cluster labels (e.g. ``dyad_id``) of the kept rows.
    frame : DataFrame
        The kept raw rows of the model's columns (a copy), used for counterfactual predictions.
    terms : dict
        Term -> its design columns. Terms are the predictors and the interactions ``"a:b"``.
    factors : dict
        Categorical predictor -> :class:`FactorCoding`.
    scaling : dict
        Standardised predictor -> (mean, sd).
    column_parts : dict
        Design column -> the base columns whose product it is (an interaction has two parts).
    n_input, n_dropped : int
        Rows received and rows dropped for missing values.
    """

    X: pd.DataFrame
    y: pd.Series
    groups: pd.Series | None
    frame: pd.DataFrame
    outcome: str
    predictors: tuple[str, ...]
    terms: dict[str, list[str]]
    factors: dict[str, FactorCoding]
    scaling: dict[str, tuple[float, float]]
    interactions: tuple[tuple[str, str], ...]
    column_parts: dict[str, tuple[str, ...]]
    n_input: int
    n_dropped: int
    dropped_by_column: dict[str, int] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return list(self.X.columns)

    def matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """Design matrix of ``frame`` (raw predictor values) with this design's coding and scaling."""
        base: dict[str, np.ndarray] = {}
        for name in self.predictors:
            values = frame[name]
            if name in self.factors:
                coding = self.factors[name]
                codes, uniques = pd.factorize(values.astype(object))  # level_text once per distinct value
                text = [level_text(u) for u in uniques]
                for level in coding.levels[1:]:  # each distinct value's 0/1, then the rows' (missing, -1: 0)
                    indicator = np.array([t == level_text(level) for t in text] + [False], dtype=float)
                    base[coding.column(level)] = indicator[codes]
            else:
                x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
                if name in self.scaling:
                    mean, sd = self.scaling[name]
                    x = (x - mean) / sd
                base[name] = x
        out = np.empty((len(frame), len(self.X.columns)))
        for j, column in enumerate(self.X.columns):
            if column == INTERCEPT:
                out[:, j] = 1.0
            else:
                parts = self.column_parts[column]
                col = base[parts[0]].copy()
                for part in parts[1:]:
                    col *= base[part]
                out[:, j] = col
        return out

    def counterfactual(self, factor: str, level: Any) -> np.ndarray:
        """Design matrix of every kept row with ``factor`` set to ``level`` (other values unchanged)."""
        frame = self.frame.copy()
        frame[factor] = pd.Series([level] * len(frame), index=frame.index, dtype=object)
        return self.matrix(frame)

    def derivative(self, predictor: str) -> np.ndarray:
        """d(design row)/d(predictor) for a continuous predictor, in the predictor's modelled unit."""
        X = self.X.to_numpy()
        cols = list(self.X.columns)
        D = np.zeros_like(X)
        for j, column in enumerate(cols):
            if column == INTERCEPT:
                continue
            parts = self.column_parts[column]
            if predictor not in parts:
                continue
            d = np.ones(len(X))
            for part in parts:
                if part != predictor:
                    d = d * X[:, cols.index(part)]  # main effects are always in the design
            D[:, j] = d
        return D


def level_text(value: Any) -> str:
    """Text of a level as used in column names and comparisons (``2.0`` -> ``"2"``)."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series)


def _level_order(name: str, values: pd.Series, original: pd.Series) -> list[Any]:
    """Levels of a categorical predictor, in a stable order (see module docstring)."""
    observed = list(pd.unique(values.astype(object)))
    if isinstance(original.dtype, pd.CategoricalDtype):
        return list(original.cat.categories)
    text = {level_text(v) for v in observed}
    if text and text <= set(CONFIGURATION_LEVELS):
        return list(CONFIGURATION_LEVELS)
    try:
        return sorted(observed)
    except TypeError:
        return sorted(observed, key=str)


def _check_names(data: pd.DataFrame, outcome: str, predictors: list[str]) -> None:
    """The outcome and the predictors are distinct columns of the data, and may explain the outcome."""
    if outcome not in data.columns:
        raise SpecificationError("the outcome column is not in the data", column=outcome,
                                 fix="check the model's outcome name against the data columns")
    if not predictors:
        raise SpecificationError("a model needs at least one predictor", column=outcome,
                                 fix="list the predictor columns, e.g. ['link', 'symmetry']")
    seen: set[str] = set()
    for name in predictors:
        if not isinstance(name, str):
            raise SpecificationError("predictor names must be column names (text)", value=name)
        if name in seen:
            raise SpecificationError("a predictor is listed twice", column=name, fix="list it once")
        seen.add(name)
        if name == outcome:
            raise SpecificationError("the outcome cannot also be a predictor", column=name,
                                     fix="remove it from the predictors")
        if name not in data.columns:
            raise SpecificationError("predictor not in the data", column=name,
                                     fix=f"choose among the data columns ({', '.join(map(str, data.columns[:12]))}"
                                         f"{', ...' if len(data.columns) > 12 else ''})")
    for name in _OUTCOME_COMPONENTS.get(outcome, ()):
        if name in predictors:
            raise SpecificationError(f"'{outcome}' is defined from {' and '.join(_OUTCOME_COMPONENTS[outcome])}, "
                                     f"so {name} cannot be one of its predictors", column=name,
                                     fix="remove it from the model")


def _check_declaration(data: pd.DataFrame, predictors: list[str], categorical: dict[str, Any],
                       standardize: list[str], pairs: list[tuple[str, ...]], cluster: str | None) -> None:
    """Categorical, standardised and interacting variables are predictors; the cluster column exists."""
    for name in categorical:
        if name not in predictors:
            raise SpecificationError("a categorical variable is declared but is not a predictor", column=name,
                                     fix="add it to the predictors or remove it from 'categorical'")
    for name in standardize:
        if name not in predictors:
            raise SpecificationError("a standardised variable is not a predictor", column=name,
                                     fix="add it to the predictors or remove it from 'standardize'")
        if name in categorical:
            raise SpecificationError("a categorical predictor cannot be standardised", column=name,
                                     fix="remove it from 'standardize'")
    for pair in pairs:
        if len(pair) != 2 or pair[0] == pair[1]:
            raise SpecificationError("an interaction is a pair of two different predictors", value=list(pair))
        for name in pair:
            if name not in predictors:
                raise SpecificationError("an interaction names a variable that is not a predictor", column=name,
                                         fix="add it to the predictors (main effects are required)")
    if len({frozenset(p) for p in pairs}) != len(pairs):
        raise SpecificationError("an interaction is declared twice", value=[list(p) for p in pairs])
    if cluster is not None and cluster not in data.columns:
        raise SpecificationError("the cluster column is not in the data", column=cluster,
                                 fix="pass cluster=None or the name of the dyad identifier column (dyad_id)")


def _check_values(data: pd.DataFrame, outcome: str, predictors: list[str], categorical: dict[str, Any]) -> None:
    """No variable is missing everywhere; a text predictor is declared categorical."""
    for name in predictors:
        col = data[name]
        if col.isna().all():
            raise SpecificationError("predictor is missing for every row", column=name,
                                     fix="remove it from the model or check how it was computed")
        if name not in categorical and not _is_numeric(col):
            raise SpecificationError("predictor holds text but is not declared categorical", column=name,
                                     value=col.dropna().iloc[0],
                                     fix=f"declare it in 'categorical' with a reference level, e.g. "
                                         f"{{'{name}': '{col.dropna().iloc[0]}'}}")
    if data[outcome].isna().all():
        raise SpecificationError("the outcome is missing for every row", column=outcome,
                                 fix="fill the outcome with 0/1 values (crossed is missing when the scores it is "
                                     "derived from are missing)")


def _outcome_values(frame: pd.DataFrame, outcome: str) -> pd.Series:
    """The 0/1 outcome as floats, with both values present."""
    y_raw = frame[outcome]
    if pd.api.types.is_bool_dtype(y_raw):
        y = y_raw.astype(float)
    else:
        y_num = pd.to_numeric(y_raw, errors="coerce")
        bad = y_num.isna() | ~y_num.isin([0, 1])
        if bad.any():
            first = bad.to_numpy().nonzero()[0][0]
            raise SpecificationError("the outcome must be coded 0/1", column=outcome,
                                     row=int(first) + 1, value=y_raw.iloc[first],
                                     fix="recode the outcome as 1 = event (crossed), 0 = no event")
        y = y_num.astype(float)
    if y.nunique() < 2:
        raise SpecificationError(f"the outcome is constant (all {int(y.iloc[0])}) among the {len(y)} complete rows",
                                 column=outcome, fix="a logistic model needs both events and non-events")
    return y


def _factor_coding(name: str, values: pd.Series, original: pd.Series, reference: Any) -> FactorCoding:
    """Treatment coding of a categorical predictor, reference first; every level present, no unknown value."""
    levels = _level_order(name, values, original)
    text_levels = [level_text(level) for level in levels]
    if len(levels) < 2:
        raise SpecificationError("categorical predictor has a single level (constant)", column=name,
                                 value=levels[0] if levels else None, fix="remove it from the model")
    if reference is None:
        raise SpecificationError(f"no reference level is given for the categorical predictor '{name}'",
                                 column=name, fix=f"give one of: {', '.join(text_levels)}, e.g. "
                                                  f"{{'{name}': '{text_levels[0]}'}}")
    if level_text(reference) not in text_levels:
        raise SpecificationError("the reference level does not exist", column=name, value=reference,
                                 fix=f"choose one of: {', '.join(text_levels)}")
    counts = values.astype(object).map(level_text).value_counts()
    empty = [level for level in levels if counts.get(level_text(level), 0) == 0]
    if empty:
        raise SpecificationError(f"level '{empty[0]}' of '{name}' has no row in the model data", column=name,
                                 value=empty[0],
                                 fix="collect data for it, merge it with a neighbouring level, or drop the "
                                     "level from the variable's categories")
    unknown = sorted(set(counts.index) - set(text_levels))
    if unknown:
        raise SpecificationError(f"value '{unknown[0]}' of '{name}' is not one of its levels", column=name,
                                 value=unknown[0], fix=f"use one of: {', '.join(text_levels)}")
    ref = levels[text_levels.index(level_text(reference))]
    ordered = (ref, *[level for level in levels if level_text(level) != level_text(reference)])
    return FactorCoding(name=name, levels=tuple(ordered), reference=ref)


def _code_predictors(frame: pd.DataFrame, data: pd.DataFrame, predictors: list[str], categorical: dict[str, Any],
                     standardize: list[str]) -> tuple[dict[str, FactorCoding], dict[str, tuple[float, float]],
                                                      dict[str, list[str]]]:
    """Factor codings, standardisation constants and the base design columns of each predictor."""
    factors: dict[str, FactorCoding] = {}
    scaling: dict[str, tuple[float, float]] = {}
    base_cols: dict[str, list[str]] = {}
    for name in predictors:
        values = frame[name]
        if name in categorical:
            factors[name] = _factor_coding(name, values, data[name], categorical[name])
            base_cols[name] = factors[name].columns
            continue
        x = pd.to_numeric(values, errors="coerce").astype(float)
        if np.ptp(x.to_numpy()) == 0:
            raise SpecificationError(f"predictor is constant ({x.iloc[0]:g}) among the complete rows", column=name,
                                     value=x.iloc[0], fix="remove it from the model")
        if name in standardize:
            scaling[name] = (float(x.mean()), float(x.std(ddof=1)))
        base_cols[name] = [name]
    return factors, scaling, base_cols


def _columns(predictors: list[str], pairs: list[tuple[str, ...]], base_cols: dict[str, list[str]]
             ) -> tuple[list[str], dict[str, list[str]], dict[str, tuple[str, ...]]]:
    """Design columns in order (intercept, main effects, interactions), the columns of each term, their parts."""
    terms: dict[str, list[str]] = {}
    column_parts: dict[str, tuple[str, ...]] = {}
    columns = [INTERCEPT]
    for name in predictors:
        terms[name] = list(base_cols[name])
        for col in base_cols[name]:
            columns.append(col)
            column_parts[col] = (col,)
    for a, b in pairs:
        term = f"{a}:{b}"
        terms[term] = []
        for ca in base_cols[a]:
            for cb in base_cols[b]:
                col = f"{ca}:{cb}"
                terms[term].append(col)
                columns.append(col)
                column_parts[col] = (ca, cb)
    return columns, terms, column_parts


def build_design(
    data: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    categorical: Mapping[str, Any] | None = None,
    interactions: Sequence[Sequence[str]] = (),
    standardize: Sequence[str] = (),
    cluster: str | None = None,
) -> Design:
    """Build a treatment-coded design matrix from declared column names.

    Phases: check the declaration, keep the complete rows, code the outcome and the predictors, lay out the
    columns (main effects, then interactions), fill the matrix and check its rank.

    Parameters
    ----------
    data
        One row per unit (firm at risk); not modified.
    outcome
        0/1 outcome column.
    predictors
        Predictor columns (continuous or categorical).
    categorical
        Categorical predictor -> reference level (a key must also be in ``predictors``).
    interactions
        Pairs of predictors whose product enters the model (both must be in ``predictors``).
    standardize
        Continuous predictors entered as z-scores (sample SD).
    cluster
        Column of cluster labels (rows missing it are dropped too).

    Returns
    -------
    Design

    Raises
    ------
    SpecificationError
        Unknown column, outcome not 0/1 or constant, predictor constant or missing everywhere, text predictor
        not declared categorical, unknown reference level, empty level, collinear columns.

    References
    ----------
    R Core Team (2022). R 4.2: ``model.matrix`` with ``contr.treatment``; Chambers, J. M., & Hastie, T. J.
    (1992). Statistical Models in S, ch. 2.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [0, 1, 0, 1, 1, 0], "g": list("aabbcc"), "x": [1., 2, 3, 4, 5, 7]})
    >>> build_design(df, "y", ["g", "x"], categorical={"g": "a"}).columns
    ['(Intercept)', 'g[b]', 'g[c]', 'x']
    """
    if not isinstance(data, pd.DataFrame):
        raise SpecificationError("the model data must be a pandas DataFrame", value=type(data).__name__)
    categorical = dict(categorical or {})
    predictors = list(predictors)
    standardize = list(standardize)
    pairs = [tuple(pair) for pair in interactions]
    _check_names(data, outcome, predictors)
    _check_declaration(data, predictors, categorical, standardize, pairs, cluster)
    _check_values(data, outcome, predictors, categorical)

    used = [outcome, *predictors] + ([cluster] if cluster is not None and cluster not in predictors else [])
    raw = data[used]
    missing = raw.isna()
    keep = ~missing.any(axis=1)
    frame = raw.loc[keep].copy()
    if frame.empty:
        raise SpecificationError("no row is complete on the model's variables", value=", ".join(used),
                                 fix="check the missing values of these columns")
    y = _outcome_values(frame, outcome)
    factors, scaling, base_cols = _code_predictors(frame, data, predictors, categorical, standardize)
    columns, terms, column_parts = _columns(predictors, pairs, base_cols)
    design = Design(
        X=pd.DataFrame(index=frame.index), y=y.rename(outcome),
        groups=None if cluster is None else frame[cluster].copy(),
        frame=frame.drop(columns=[outcome]), outcome=outcome, predictors=tuple(predictors), terms=terms,
        factors=factors, scaling=scaling, interactions=tuple(pairs), column_parts=column_parts,
        n_input=len(data), n_dropped=int((~keep).sum()),
        dropped_by_column={c: int(missing[c].sum()) for c in used if missing[c].any()},
    )
    design.X = pd.DataFrame(np.zeros((len(frame), len(columns))), index=frame.index, columns=columns)
    design.X = pd.DataFrame(design.matrix(frame), index=frame.index, columns=columns)  # matrix() reads X's columns
    for col in columns[1:]:
        if np.ptp(design.X[col].to_numpy()) == 0:
            raise SpecificationError("a design column is constant (an interaction cell or level never varies)",
                                     column=col, fix="remove the interaction or merge levels")
    _check_rank(design.X)
    return design


def _check_rank(X: pd.DataFrame) -> None:
    matrix = X.to_numpy()
    # scale columns so that the rank decision does not depend on units
    norms = np.linalg.norm(matrix, axis=0)
    scaled = matrix / np.where(norms > 0, norms, 1.0)
    _, s, vt = np.linalg.svd(scaled, full_matrices=False)
    tol = max(scaled.shape) * np.finfo(float).eps * s[0]
    rank = int((s > tol * 1e3).sum())
    if rank < matrix.shape[1]:
        null = vt[-1]
        involved = [X.columns[j] for j in np.argsort(-np.abs(null)) if abs(null[j]) > 1e-6]
        raise SpecificationError("the predictors are perfectly collinear", value=", ".join(map(str, involved)),
                                 fix="drop one of these columns (or a level that coincides with another variable)")
