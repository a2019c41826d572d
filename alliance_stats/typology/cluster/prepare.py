"""The data side of the cluster check: the dyads used, the theory labels, the canonical order, the seeds.

The input rows are put in a canonical order (sorted by their values, theory label first) before any random
step, so results do not depend on the row order. Every random step draws from its own stream spawned from
the one seed (k-means starts, mixture starts, gap references, resamples, permutations, silhouette sampling),
so adding a method does not change the numbers of another.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import AnalysisWarning, DataQualityWarning, SparseDataWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.core.typology import CONFIGURATIONS
from alliance_stats.typology.classification import classify, resolve_cuts
from alliance_stats.typology.cluster.agreement import _category_order, _missing
from alliance_stats.typology.cluster.settings import ClusterSettings

STREAMS: tuple[str, ...] = ("kmeans", "gmm", "gap", "boot", "boot_kmeans", "boot_gmm", "perm", "silhouette",
                            "subsample")


@dataclass
class Prepared:
    """What every phase of the check reads: the settings, the dyads used and their canonical order."""

    settings: ClusterSettings
    used: pd.DataFrame
    n_dropped: int
    ks: list[int]
    theory: pd.Series | None
    theory_given: bool
    categories: list[Any]
    cuts: dict[str, float] | None
    rule_columns: list[str]
    rule_available: bool
    order: np.ndarray
    z: np.ndarray
    theory_codes: np.ndarray | None
    streams: dict[str, np.random.SeedSequence]
    seed_record: Any
    messages: list[str] = field(default_factory=list)
    sub: np.ndarray | None = None  # positions (canonical order) of the subsample above settings.subsample

    def subsampled(self) -> Prepared:
        """This preparation restricted to the subsample (itself when every dyad is used)."""
        if self.sub is None:
            return self
        codes = self.theory_codes[self.sub] if self.theory_codes is not None else None
        return replace(self, z=self.z[self.sub], theory_codes=codes, sub=None)

    @property
    def centroid_check_possible(self) -> bool:
        """Whether centroids can be placed in the theory's quadrants (rule columns and configuration labels)."""
        return (self.rule_available and self.theory is not None
                and all(c in CONFIGURATIONS for c in self.categories))


def _theory_series(theory: Any, frame: pd.DataFrame) -> pd.Series | None:
    if theory is None:
        return None
    if isinstance(theory, str):
        if theory not in frame.columns:
            raise SpecificationError(f"the theory column {theory!r} is not in the dyad table", column=theory,
                                     fix="pass the column holding the expected configuration of each dyad")
        return frame[theory].astype(object)
    if isinstance(theory, pd.Series):
        if theory.index.equals(frame.index):
            return theory.astype(object)
        if len(theory.index.unique()) == len(theory) and set(frame.index) <= set(theory.index):
            return theory.reindex(frame.index).astype(object)
        raise SpecificationError("the theory labels do not cover the dyads (index mismatch)",
                                 fix="pass a Series indexed like the dyad table, or a list in its row order")
    values = list(theory)
    if len(values) != len(frame):
        raise SpecificationError(f"{len(values)} theory labels for {len(frame)} dyads",
                                 fix="pass one theory label per dyad, in the dyad table's row order")
    return pd.Series(values, index=frame.index, dtype=object)



def _resolve_dyads(
    frame: pd.DataFrame, settings: ClusterSettings, messages: list[str],
) -> tuple[pd.DataFrame, int]:
    variables, k, minimum = settings.variables, settings.k, settings.min_per_cluster
    for column in variables:
        if column not in frame.columns:
            raise SpecificationError(f"the clustering variable {column!r} is not in the dyad table", column=column,
                                     fix=f"choose variables among {', '.join(map(str, frame.columns[:12]))}")
        if not pd.api.types.is_numeric_dtype(frame[column]):
            raise SpecificationError(f"the clustering variable {column!r} is not numeric", column=column,
                                     fix="cluster on numeric scores (dyad means)")
    values = frame[list(variables)].astype(float)
    infinite = ~np.isfinite(values.to_numpy()) & values.notna().to_numpy()
    if infinite.any():
        row, col = np.argwhere(infinite)[0]
        raise SpecificationError("a clustering variable holds an infinite value", row=int(row) + 1,
                                 column=variables[col], value=float(values.iat[row, col]),
                                 fix="check the scoring of this dyad")
    missing = values.isna()
    dropped = missing.any(axis=1)
    n_dropped = int(dropped.sum())
    if n_dropped:
        per_variable = ", ".join(f"{c}: {int(missing[c].sum())}" for c in variables if missing[c].any())
        warn(messages, f"{n_dropped} of {len(frame)} dyads dropped from the cluster check because a clustering "
                        f"score is missing ({per_variable})", DataQualityWarning)
    used = frame.loc[~dropped]
    n = len(used)
    if n < minimum * k:
        raise SpecificationError(
            f"{n} complete dyads for k = {k} clusters: at least {minimum} dyads per cluster "
            f"({minimum * k}) are needed" + (f" ({n_dropped} dropped for missing scores)" if n_dropped else ""),
            fix="collect more dyads, ask for fewer clusters, or complete the missing scores",
        )
    for column in variables:
        if float(used[column].max() - used[column].min()) == 0.0:
            raise SpecificationError(
                f"the clustering variable {column!r} is constant ({float(used[column].iloc[0]):g}) in every dyad",
                column=column, value=float(used[column].iloc[0]),
                fix="drop it from the clustering variables; a constant dimension cannot separate clusters",
            )
    n_distinct = len(used[list(variables)].drop_duplicates())
    if n_distinct < k:
        raise SpecificationError(f"only {n_distinct} distinct score profiles for k = {k} clusters",
                                 fix="ask for fewer clusters")
    return used, n_dropped



def _trim_ks(settings: ClusterSettings, n: int, messages: list[str]) -> list[int]:
    ks, k, minimum = settings.k_values, settings.k, settings.min_per_cluster
    if ks[-1] > n // minimum:
        kept = [v for v in ks if v <= max(k, n // minimum)]
        warn(messages, f"k_range trimmed to 1..{kept[-1]}: with {n} dyads a solution needs "
                       f"{minimum} dyads per cluster", SparseDataWarning)
        ks = kept
    if k > ks[-1]:
        ks = list(range(1, k + 1))
    return ks


def _rule(used: pd.DataFrame, s: ClusterSettings) -> tuple[list[str], bool, dict[str, float] | None]:
    """The columns the crisp rule needs, whether they are there, and the numeric cuts."""
    rule_columns = [s.link] + ([s.symmetry] if s.asymmetry != "dep_asymmetry" else []) + (
        [s.dep_asymmetry] if s.asymmetry != "perceived" else [])
    rule_available = all(c in used.columns for c in rule_columns)
    cuts = None
    if rule_available:
        cuts = resolve_cuts(used, link=s.link, symmetry=s.symmetry, cut=s.cut, scale=s.scale, asymmetry=s.asymmetry,
                            dep_asymmetry=s.dep_asymmetry, dep_cut=s.dep_cut)
    return rule_columns, rule_available, cuts


def _theory_labels(used: pd.DataFrame, given: pd.Series | None, s: ClusterSettings, rule_available: bool
                   ) -> pd.Series | None:
    if given is not None:
        return given.loc[used.index]
    if s.link in s.variables and (s.symmetry in s.variables or s.asymmetry == "dep_asymmetry") and rule_available:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            theory = classify(used, link=s.link, symmetry=s.symmetry, cut=s.cut, scale=s.scale,
                              asymmetry=s.asymmetry, dep_asymmetry=s.dep_asymmetry, dep_cut=s.dep_cut).astype(object)
        return theory.where(theory.notna(), None)
    return None


def _theory_codes(theory: pd.Series | None, n: int, messages: list[str]
                  ) -> tuple[pd.Series | None, list[Any], np.ndarray | None]:
    if theory is None:
        return None, [], None
    categories = _category_order(theory)
    lookup = {v: i for i, v in enumerate(categories)}
    codes = np.array([-1 if _missing(v) else lookup[v] for v in theory], dtype=int)
    n_no_theory = int((codes < 0).sum())
    if n_no_theory:
        warn(messages, f"{n_no_theory} of {n} dyads have no theory label and are left out of the agreement "
                       "measures (they are still clustered)", DataQualityWarning)
    if n_no_theory == n:
        return None, [], None
    return theory, categories, codes


def _streams(seed: Any) -> tuple[dict[str, np.random.SeedSequence], Any]:
    if isinstance(seed, np.random.SeedSequence):  # a copy: spawning must not change the caller's sequence
        root = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
        seed_record: Any = {"entropy": int(seed.entropy), "spawn_key": [int(v) for v in seed.spawn_key]}
    else:
        root, seed_record = np.random.SeedSequence(seed), seed
    return dict(zip(STREAMS, root.spawn(len(STREAMS)), strict=True)), seed_record


def prepare(frame: pd.DataFrame, settings: ClusterSettings, theory: Any) -> Prepared:
    """Check the dyads, resolve the theory labels and cuts, sort the rows canonically, spawn the seeds."""
    messages: list[str] = []
    given = _theory_series(theory, frame)
    used, n_dropped = _resolve_dyads(frame, settings, messages)
    n = len(used)
    ks = _trim_ks(settings, n, messages)
    rule_columns, rule_available, cuts = _rule(used, settings)
    theory_series, categories, codes = _theory_codes(_theory_labels(used, given, settings, rule_available), n,
                                                     messages)
    x_original = used[list(settings.variables)].to_numpy(dtype=float)
    sort_keys = [x_original[:, j] for j in reversed(range(x_original.shape[1]))]
    if codes is not None:
        sort_keys = [codes] + sort_keys
    order = np.lexsort(sort_keys)
    x = x_original[order]
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1) if settings.standardize else x
    streams, seed_record = _streams(settings.seed)
    sub = _subsample(n, settings.subsample, streams["subsample"], messages)
    return Prepared(settings=settings, used=used, n_dropped=n_dropped, ks=ks, theory=theory_series,
                    theory_given=given is not None, categories=categories, cuts=cuts, rule_columns=rule_columns,
                    rule_available=rule_available, order=order, z=z,
                    theory_codes=codes[order] if codes is not None else None, streams=streams,
                    seed_record=seed_record, messages=messages, sub=sub)


def _subsample(n: int, size: int, stream: np.random.SeedSequence, messages: list[str]) -> np.ndarray | None:
    """Sorted positions of ``size`` dyads drawn without replacement when there are more than ``size``."""
    if n <= size:
        return None
    sub = np.sort(np.random.default_rng(stream).choice(n, size=size, replace=False))
    warn(messages, f"{n} dyads: Ward's method, the gap statistic and the stability resampling (and the ARI "
                   f"interval) use a random subsample of {size} dyads (seed stream 'subsample' of the check's "
                   f"seed); Ward's clusters are extended to the other dyads by the nearest Ward centroid. "
                   f"k-means, the Gaussian mixtures, BIC, the ARI and its permutation p value use every dyad",
         AnalysisWarning)
    return sub
