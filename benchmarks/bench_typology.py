"""Speed of the typology cluster check.

Prints (1) the wall time of the whole ``cluster_check`` with its defaults (k-means, Ward and Gaussian
mixtures; k = 1..8; B = 200 resamples; 999 permutations) on 300 dyads, and (2) the time of our k-means
bootstrap stability (batched numpy Lloyd, warm start + 10 fresh k-means++ starts per resample) against a
plain loop refitting scikit-learn ``KMeans(n_init=50)`` on each of the same 200 resamples, with the ratio
and the clusterwise mean Jaccard of both (they should agree). scikit-learn is timed twice: with its default
thread pools and limited to one thread (what cluster_check does).

Run: ``.venv/bin/python benchmarks/bench_typology.py``
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from alliance_stats.typology import ClusterSettings, cluster_check
from alliance_stats.typology.cluster import clusterwise_jaccard
from alliance_stats.typology.cluster.agreement import _first_appearance_ids
from alliance_stats.typology.cluster.prepare import prepare
from alliance_stats.typology.cluster.solutions import Solutions
from alliance_stats.typology.cluster.stability import bootstrap

N_DYADS = 300
N_BOOT = 200
K = 4
SEED = 20261126


def dyads(n: int = N_DYADS, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    centres = [(5.5, 5.5), (5.5, 2.5), (2.5, 5.5), (2.5, 2.5)]
    points = np.vstack([rng.normal(c, 0.7, (n // 4, 2)) for c in centres]).clip(1, 7)
    return pd.DataFrame(np.round(points, 1), columns=["link", "symmetry"])


def sklearn_loop(z: np.ndarray, original: np.ndarray, samples: list[np.ndarray]) -> np.ndarray:
    jaccard = np.empty((len(samples), K))
    for b, sample in enumerate(samples):
        labels = KMeans(n_clusters=K, n_init=50, random_state=b).fit(z[sample]).labels_
        jaccard[b] = clusterwise_jaccard(original[sample], labels, K)
    return jaccard


def main() -> None:
    data = dyads()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        check = cluster_check(data)
        whole = time.perf_counter() - start
    print(f"cluster_check, {N_DYADS} dyads, defaults (B = {N_BOOT}, 999 permutations, 3 methods, k = 1..8): "
          f"{whole:.2f} s  (verdict: {check.verdict})")

    prep = prepare(data, ClusterSettings(methods=("kmeans",), k=K, n_boot=N_BOOT, seed=SEED), theory=None)
    prep.theory_codes = None  # stability only: no ARI of the resamples
    z = prep.z
    with threadpool_limits(limits=1):
        original = _first_appearance_ids(KMeans(n_clusters=K, n_init=50, random_state=0).fit(z).labels_)
    solutions = Solutions(final={"kmeans": original}, n_clusters={"kmeans": K})
    streams = prep.streams
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        ours, _ = bootstrap(prep, solutions, None)
    ours_time = time.perf_counter() - start

    n = len(z)
    draws = np.random.default_rng(streams["boot"]).integers(0, n, size=(N_BOOT, n))
    samples = [np.unique(row) for row in draws]
    start = time.perf_counter()
    reference = sklearn_loop(z, original, samples)
    sklearn_time = time.perf_counter() - start
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        reference_single = sklearn_loop(z, original, samples)
    sklearn_single_time = time.perf_counter() - start

    print(f"k-means stability, {N_BOOT} resamples: ours {ours_time:.2f} s; scikit-learn KMeans(n_init=50) loop "
          f"{sklearn_time:.2f} s (default threads), {sklearn_single_time:.2f} s (one thread)")
    print(f"ratio scikit-learn loop / ours: {sklearn_time / ours_time:.1f}x (default threads), "
          f"{sklearn_single_time / ours_time:.1f}x (one thread)")
    print("clusterwise mean Jaccard, ours:        ", np.round(ours["kmeans"].mean(axis=0), 4))
    print("clusterwise mean Jaccard, scikit-learn:", np.round(reference.mean(axis=0), 4),
          "(one thread:", np.round(reference_single.mean(axis=0), 4), ")")


if __name__ == "__main__":
    main()
