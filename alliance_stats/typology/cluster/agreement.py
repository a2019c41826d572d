"""Agreement of a partition with the theory labels: ARI, its permutation p value, Hungarian matching.

- **ARI** (Hubert & Arabie 1985) needs no label matching. :func:`adjusted_rand_from_table` computes it from
  contingency tables, many at once: the permutation test permutes the theory labels ``n_perm`` times, and
  since row and column totals are fixed under permutation only ``sum C(n_ij, 2)`` changes, so every
  permutation's ARI comes from one ``bincount`` (hand-written for that reason; it equals scikit-learn's
  ``adjusted_rand_score``). ``p = (1 + #{ARI* >= ARI}) / (n_perm + 1)``.
- **Matching**: clusters are matched to configurations by the Hungarian algorithm on the confusion table
  (``scipy.optimize.linear_sum_assignment``); Cohen's kappa and the accuracy after matching are
  **optimistic**, because the matching maximises them.
- Cluster numbers are assigned after matching (cluster 1 is the cluster matched to the first configuration),
  so they do not depend on the algorithms' arbitrary numbering (:func:`match_solutions`).

References: Hubert, L. & Arabie, P. (1985), Comparing partitions, Journal of Classification 2, 193-218;
Steinley, D. (2004), Properties of the Hubert-Arabie adjusted Rand index, Psychological Methods 9, 386-396.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from alliance_stats.core.constants import DEFAULT_SEED
from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table
from alliance_stats.core.typology import CONFIGURATIONS

__all__ = ["Agreement", "adjusted_rand_from_table", "partition_agreement"]


def _comb2(x: np.ndarray) -> np.ndarray:
    return x * (x - 1.0) / 2.0


def adjusted_rand_from_table(table: np.ndarray) -> np.ndarray:
    """Adjusted Rand index of one or many contingency tables (last two axes: clusters x classes).

    Equals ``sklearn.metrics.adjusted_rand_score`` (1.0 in its degenerate cases: both partitions a single
    cluster, or both all singletons).

    Parameters
    ----------
    table
        Contingency table(s), shape ``(..., clusters, classes)``.

    Returns
    -------
    numpy.ndarray
        The ARI of each table (a 0-d array for one table).

    References
    ----------
    Hubert & Arabie (1985); scikit-learn ``adjusted_rand_score``.

    Examples
    --------
    >>> float(adjusted_rand_from_table(np.array([[5, 0], [0, 5]])))
    1.0
    """
    counts = np.asarray(table, dtype=float)
    n = counts.sum(axis=(-2, -1))
    index = _comb2(counts).sum(axis=(-2, -1))
    rows = _comb2(counts.sum(axis=-1)).sum(axis=-1)
    cols = _comb2(counts.sum(axis=-2)).sum(axis=-1)
    total = _comb2(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.where(total > 0, rows * cols / np.where(total > 0, total, 1.0), 0.0)
        maximum = (rows + cols) / 2.0
        denominator = maximum - expected
        ari = np.where(np.abs(denominator) > 1e-12, (index - expected) / np.where(
            np.abs(denominator) > 1e-12, denominator, 1.0), 1.0)
    return ari


def _contingency(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int, weights: np.ndarray | None = None) -> np.ndarray:
    flat = np.bincount(a * n_b + b, weights=weights, minlength=n_a * n_b)
    return flat.reshape(n_a, n_b)


def _first_appearance_ids(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, ... in order of first appearance."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=int)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


@dataclass(frozen=True)
class Agreement(Result):
    """Agreement of a partition with reference (theory) labels.

    Attributes
    ----------
    ari
        Adjusted Rand index (no matching needed).
    p_value
        Permutation p value of the ARI (reference labels permuted; ``(1 + #{ARI* >= ARI}) / (n_perm + 1)``).
    confusion
        Clusters (rows, in first-appearance order, labelled by their original values) x categories.
    mapping
        Cluster label -> matched category (Hungarian matching on the confusion table), ``None`` if unmatched.
    kappa, accuracy
        Cohen's kappa and the share of agreement after matching: optimistic, the matching maximises them.
    n
        Cases with both labels.
    """

    ari: float
    p_value: float
    confusion: pd.DataFrame
    mapping: dict[Any, str | None]
    kappa: float
    accuracy: float
    n: int
    n_perm: int = 999
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Numbers, the confusion table and the mapping (keys as text) as JSON-ready values."""
        out = super().to_dict()
        out["mapping"] = {str(key): value for key, value in self.mapping.items()}
        return out

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``partition_agreement`` (ARI, p, kappa, accuracy, n) and ``partition_confusion`` (clusters x theory)."""
        check_lang(lang)
        names = {c: tr(f"typology.agreement.{c}", lang) for c in ("ari", "p_value", "kappa", "accuracy", "n")}
        frame = pd.DataFrame({names["ari"]: [self.ari], names["p_value"]: [self.p_value],
                              names["kappa"]: [self.kappa], names["accuracy"]: [self.accuracy],
                              names["n"]: [self.n]})
        summary = Table(
            key="partition_agreement", title=tr("typology.agreement.title", lang), frame=frame, lang=lang,
            formats={names["ari"]: "r3", names["p_value"]: "p", names["kappa"]: "r3", names["accuracy"]: "r3",
                     names["n"]: "int"},
            note=tr("typology.agreement.note", lang).format(n_perm=self.n_perm))
        confusion = self.confusion.copy()
        confusion.index = [f"{c} ({_config_text(self.mapping.get(c), lang)})" for c in confusion.index]
        confusion.index.name = tr("typology.cluster", lang)
        confusion.columns = [_config_text(c, lang) if c in CONFIGURATIONS else str(c) for c in confusion.columns]
        crosstab = Table(key="partition_confusion", title=tr("typology.agreement.confusion_title", lang),
                         frame=confusion, lang=lang, formats={c: "int" for c in confusion.columns},
                         note=tr("typology.crosstab.note", lang))
        return {"partition_agreement": summary, "partition_confusion": crosstab}


def _config_text(value: Any, lang: str) -> str:
    """A configuration's label in ``lang`` ("unmatched" for none)."""
    if value is None or _missing(value):
        return tr("typology.unmatched", lang)
    return tr(str(value), lang)


def _permuted_ari(labels: np.ndarray, permutations: np.ndarray, k: int, n_categories: int) -> np.ndarray:
    """ARI of fixed cluster labels against each row of permuted category codes (vectorised)."""
    n_perm = len(permutations)
    cells = k * n_categories
    codes = labels[None, :] * n_categories + permutations.astype(np.int64) + (np.arange(n_perm) * cells)[:, None]
    tables = np.bincount(codes.ravel(), minlength=n_perm * cells).reshape(n_perm, k, n_categories)
    return adjusted_rand_from_table(tables)


def _match(table: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Hungarian matching of clusters (rows) to categories (columns).

    Returns (category index per cluster or -1, accuracy, kappa) after matching.
    """
    rows, cols = linear_sum_assignment(-table)
    assignment = np.full(table.shape[0], -1)
    assignment[rows] = cols
    n = table.sum()
    if n == 0:
        return assignment, np.nan, np.nan
    accuracy = float(table[rows, cols].sum() / n)
    predicted = np.zeros(table.shape[1])
    for cluster, category in enumerate(assignment):
        if category >= 0:
            predicted[category] += table[cluster].sum()
    chance = float((predicted / n) @ (table.sum(axis=0) / n))
    kappa = (accuracy - chance) / (1.0 - chance) if chance < 1.0 else np.nan
    return assignment, accuracy, kappa


def _category_order(values: Iterable[Any]) -> list[Any]:
    present = [v for v in pd.unique(pd.Series(list(values), dtype=object)) if not _missing(v)]
    if all(v in CONFIGURATIONS for v in present):
        return list(CONFIGURATIONS)
    return sorted(present, key=str)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def partition_agreement(
    labels: Any,
    theory: Any,
    *,
    n_perm: int = 999,
    seed: int = DEFAULT_SEED,
) -> Agreement:
    """Agreement of cluster labels with theory labels: ARI with permutation p, matched kappa and accuracy.

    Parameters
    ----------
    labels
        Cluster labels (any hashable values).
    theory
        Reference labels, same length; missing values are left out.
    n_perm
        Permutations of the theory labels for the p value.
    seed
        Seed of the permutations.

    Returns
    -------
    Agreement
        ``ari``, ``p_value``, ``confusion``, ``mapping``, ``kappa`` and ``accuracy`` (both optimistic), ``n``;
        ``to_tables(lang)`` gives the report tables.

    Raises
    ------
    SpecificationError
        Labels and theory of different lengths, or ``n_perm`` < 1.

    References
    ----------
    Hubert, L. & Arabie, P. (1985), Comparing partitions, Journal of Classification 2, 193-218 (ARI).
    Steinley, D. (2004), Psychological Methods 9, 386-396 (ARI benchmarks: .65 moderate, .80 good, .90
    excellent). Kuhn, H. W. (1955), the Hungarian method (scipy ``linear_sum_assignment``).

    Examples
    --------
    >>> a = partition_agreement([1, 1, 2, 2, 3, 3], ["x", "x", "y", "y", "z", "z"], n_perm=99, seed=1)
    >>> round(a.ari, 3), a.accuracy, a.mapping
    (1.0, 1.0, {1: 'x', 2: 'y', 3: 'z'})
    """
    if isinstance(n_perm, bool) or int(n_perm) < 1:
        raise SpecificationError(f"n_perm must be a positive integer, got {n_perm!r}", value=n_perm,
                                 fix="use n_perm=999")
    label_values = pd.Series(list(labels), dtype=object)
    theory_values = pd.Series(list(theory), dtype=object)
    if len(label_values) != len(theory_values):
        raise SpecificationError(f"labels ({len(label_values)}) and theory ({len(theory_values)}) differ in length",
                                 fix="pass one theory label per clustered case")
    keep = ~(label_values.map(_missing) | theory_values.map(_missing)).to_numpy()
    label_values, theory_values = label_values[keep], theory_values[keep]
    first = list(pd.unique(label_values))
    label_codes = label_values.map({v: i for i, v in enumerate(first)}).to_numpy(dtype=int)
    categories = _category_order(theory_values)
    theory_codes = theory_values.map({v: i for i, v in enumerate(categories)}).to_numpy(dtype=int)
    table = _contingency(label_codes, theory_codes, len(first), len(categories))
    ari = float(adjusted_rand_from_table(table))
    rng = np.random.default_rng(seed)
    permutations = rng.permuted(np.broadcast_to(theory_codes, (n_perm, len(theory_codes))), axis=1)
    null = _permuted_ari(label_codes, permutations, len(first), len(categories))
    p_value = float((1 + np.sum(null >= ari - 1e-12)) / (n_perm + 1))
    assignment, accuracy, kappa = _match(table)
    mapping = {value: (categories[a] if a >= 0 else None) for value, a in zip(first, assignment, strict=True)}
    confusion = pd.DataFrame(table, index=pd.Index(first, name="cluster"), columns=pd.Index(categories, name="theory"))
    return Agreement(ari=ari, p_value=p_value, confusion=confusion, mapping=mapping, kappa=float(kappa),
                     accuracy=float(accuracy), n=int(keep.sum()), n_perm=int(n_perm))

