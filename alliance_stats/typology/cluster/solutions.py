"""Each method's solution at the requested k, numbered after Hungarian matching with the theory labels.

Cluster numbers are assigned after matching (cluster 1 is the cluster matched to the first configuration), so
they do not depend on the algorithms' arbitrary numbering; the ARI, its permutation p value and the matched
kappa and accuracy are those of :mod:`.agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SparseDataWarning
from alliance_stats.core.results import warn
from alliance_stats.typology.cluster.agreement import (
    _contingency,
    _first_appearance_ids,
    _match,
    _permuted_ari,
    adjusted_rand_from_table,
)
from alliance_stats.typology.cluster.prepare import Prepared

__all__ = ["Solutions", "match_solutions"]


@dataclass
class Solutions:
    """The solution of every method at the requested k, numbered after matching with the theory."""

    final: dict[str, np.ndarray] = field(default_factory=dict)
    n_clusters: dict[str, int] = field(default_factory=dict)
    matching: dict[str, dict[int, str | None]] = field(default_factory=dict)
    confusion: dict[str, pd.DataFrame] = field(default_factory=dict)
    ari: dict[str, float] = field(default_factory=dict)
    ari_p: dict[str, float] = field(default_factory=dict)
    kappa: dict[str, float] = field(default_factory=dict)
    accuracy: dict[str, float] = field(default_factory=dict)


class _Permutations:
    """The ``n_perm`` permutations of the theory codes, drawn once and kept in chunks of rows of about
    ``cells`` values, stored in the smallest integer type (the same permutations as one
    ``Generator.permuted`` call on all rows, which shuffles row by row; 999 x 100,000 codes at once would
    take 0.8 GB, and as much again for the tables)."""

    def __init__(self, base: np.ndarray, n_perm: int, rng: np.random.Generator, cells: int = 4_000_000) -> None:
        rows = max(1, cells // max(1, len(base)))
        small = np.min_scalar_type(int(base.max()) if len(base) else 0)  # kept compact: codes are a few categories
        self.chunks = [rng.permuted(np.broadcast_to(base, (min(rows, n_perm - start), len(base))), axis=1)
                       .astype(small) for start in range(0, n_perm, rows)]

    def ari(self, labels: np.ndarray, n_found: int, n_categories: int) -> np.ndarray:
        """ARI of ``labels`` against every permutation."""
        return np.concatenate([_permuted_ari(labels, chunk, n_found, n_categories) for chunk in self.chunks])


def _renumber(ids: np.ndarray, base: np.ndarray | None, n_found: int, n_categories: int
              ) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Hungarian matching of one solution; returns (new number of each cluster, assignment, accuracy, kappa)."""
    if base is not None:
        table = _contingency(ids, base, n_found, n_categories)
        assignment, acc, kap = _match(table)
        matched_order = sorted(range(n_found), key=lambda c: (assignment[c] < 0, assignment[c], c))
    else:
        assignment = np.full(n_found, -1)
        acc = kap = np.nan
        matched_order = list(range(n_found))
    renumber = np.empty(n_found, dtype=int)
    renumber[matched_order] = np.arange(n_found)
    return renumber, assignment, acc, kap


def match_solutions(prep: Prepared, fits: dict[str, dict[int, np.ndarray]]) -> Solutions:
    """Number each method's clusters at k after Hungarian matching to the theory; ARI, permutation p, kappa."""
    k, settings, categories = prep.settings.k, prep.settings, prep.categories
    n_categories = len(categories)
    out = Solutions()
    theory_codes = prep.theory_codes
    base = permutations = with_theory = None
    if theory_codes is not None:
        with_theory = theory_codes >= 0
        base = theory_codes[with_theory]
        permutations = _Permutations(base, settings.n_perm, np.random.default_rng(prep.streams["perm"]))
    for method in settings.methods:
        ids = _first_appearance_ids(fits[method][k])
        n_found = int(ids.max()) + 1
        if n_found < k:
            warn(prep.messages, f"{method}: only {n_found} non-empty clusters of the {k} asked for", SparseDataWarning)
        renumber, assignment, acc, kap = _renumber(ids[with_theory] if base is not None else ids, base, n_found,
                                                   n_categories)
        final = out.final[method] = renumber[ids]
        out.n_clusters[method] = n_found
        matching = {int(renumber[c]) + 1: (categories[assignment[c]] if assignment[c] >= 0 else None)
                    for c in range(n_found)}
        out.matching[method] = dict(sorted(matching.items()))
        sizes = np.bincount(final, minlength=n_found)
        small = [int(c) + 1 for c in np.flatnonzero(sizes < settings.min_per_cluster)]
        if small:
            warn(prep.messages, f"{method}: cluster(s) {small} hold fewer than {settings.min_per_cluster} dyads",
                 SparseDataWarning)
        if base is not None:
            table = _contingency(final[with_theory], base, n_found, n_categories)
            out.confusion[method] = pd.DataFrame(table, index=pd.Index(range(1, n_found + 1), name="cluster"),
                                                 columns=pd.Index(categories, name="theory"))
            out.ari[method] = float(adjusted_rand_from_table(table))
            null = permutations.ari(final[with_theory], n_found, n_categories)
            out.ari_p[method] = float((1 + np.sum(null >= out.ari[method] - 1e-12)) / (settings.n_perm + 1))
            out.kappa[method], out.accuracy[method] = float(kap), float(acc)
    return out
