"""The cluster check (:func:`cluster_check`): do survey data show the paper's four configurations?

The check is built to be able to answer *no*. It clusters the dyads with k-means, Ward's method and Gaussian
mixtures (:mod:`.fitting`), chooses the number of clusters with several criteria, one of which can choose a
single cluster (:mod:`.criteria`), compares the clusters with the theory-driven classification
(:mod:`.agreement`), resamples the dyads to measure how stable each cluster is (:mod:`.stability`), checks
whether each cluster centre lies in the quadrant of the configuration it is matched to, and reads the four
checks into a verdict (:mod:`.verdict`). The options are one frozen :class:`~.settings.ClusterSettings`.

scikit-learn's OpenMP and BLAS thread pools are limited to one thread during the check (``threadpoolctl``):
on data this small, threads cost far more than they save (a 4-cluster ``KMeans`` fit ran 100 times slower
with the default pools on a busy 2-core machine).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from alliance_stats.core.errors import SpecificationError
from alliance_stats.typology.classification import _classify_with_cuts, dyad_frame
from alliance_stats.typology.cluster.criteria import KSelection, select_k
from alliance_stats.typology.cluster.prepare import Prepared, prepare
from alliance_stats.typology.cluster.result import ClusterCheck
from alliance_stats.typology.cluster.settings import ClusterSettings
from alliance_stats.typology.cluster.solutions import Solutions, match_solutions
from alliance_stats.typology.cluster.stability import bootstrap, stability_table
from alliance_stats.typology.cluster.verdict import Evidence, verdict

__all__ = ["cluster_check"]


def cluster_check(dyads: Any, *, settings: ClusterSettings | None = None, theory: Any = None,
                  **options: Any) -> ClusterCheck:
    """Do the dyads show the theory's configurations? k selection, agreement, stability, centroids, verdict.

    Parameters
    ----------
    dyads
        One row per dyad (DataFrame or ``Dyads``).
    settings
        A :class:`~alliance_stats.typology.cluster.ClusterSettings` holding every option (default: the
        defaults below).
    theory
        Theory labels: ``None`` (default: :func:`~alliance_stats.typology.classify` with ``cut``, ``scale``,
        ``asymmetry`` when link and symmetry are among the variables; otherwise no comparison), a column name
        of ``dyads``, a Series indexed like ``dyads`` or a list in row order.
    **options
        Instead of ``settings``, any of its fields by name: ``variables`` (default ``("link", "symmetry")``),
        ``k`` (4), ``methods`` (``("kmeans", "ward", "gmm")``), ``k_range`` (``range(1, 9)``, consecutive from
        1), ``n_boot`` (200 resamples, fpc::clusterboot ``B``), ``n_perm`` (999 permutations for the ARI p value),
        ``seed`` (an integer or a ``numpy.random.SeedSequence``; default ``DEFAULT_SEED``), the crisp rule
        ``link``, ``symmetry``, ``cut``, ``scale``, ``asymmetry``, ``dep_asymmetry``, ``dep_cut``,
        ``standardize`` (False), ``kmeans_n_init`` (50), ``gmm_n_init`` (5), ``covariance_types`` (all four),
        ``gap_b`` (100), ``gap_n_init`` (10), ``boot_n_init`` (10), ``conf_level`` (.95, the ARI interval),
        ``min_per_cluster`` (5). See :class:`~alliance_stats.typology.cluster.ClusterSettings`.

    Returns
    -------
    ClusterCheck
        With ``k_selection``, ``k_picks``, ``labels``, ``confusion``, ``ari`` (+ ``ari_p``, ``ari_ci``),
        ``kappa``, ``accuracy`` (optimistic), ``stability``, ``centroids``, ``checks``, ``verdict``,
        ``reasons``, ``warnings``; ``to_tables(lang)`` gives the report tables.

    Raises
    ------
    SpecificationError
        Unknown or non-numeric variable, fewer than ``min_per_cluster`` complete dyads per requested cluster, a
        constant variable, a bad or unknown option, or both ``settings`` and options. Dyads with a missing
        clustering score are dropped with a warning.

    Notes
    -----
    The verdict rule (:mod:`alliance_stats.typology.cluster.verdict`): each method passes or fails four checks
    at k (k selection by BIC or gap; ARI >= .65 with p < .05; every cluster's mean Jaccard >= .75; one
    configuration per cluster with every centroid in its quadrant). "not supported" (checked first): more than
    half of the BIC/gap picks say k = 1, or no method agrees with the theory beyond chance. "supported": at
    least half the methods (2 of 3) pass all four. "partly supported": anything else. ``.reasons`` lists the
    evidence.

    References
    ----------
    Hennig, C. (2007), Cluster-wise assessment of cluster stability, CSDA 52, 258-271 (R fpc 2.2.10
    ``clusterboot``). Tibshirani, R., Walther, G. & Hastie, T. (2001), JRSS-B 63, 411-423 (R cluster 2.1.4
    ``clusGap``, ``maxSE``). Fraley & Raftery (2002) and Scrucca et al. (2016) (R mclust 6.0.0 ``mclustBIC``).
    Hubert & Arabie (1985) (ARI). Steinley, D. (2004), Psychological Methods 9, 386-396 (ARI benchmarks).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> centres = [(5.5, 5.5), (5.5, 2.5), (2.5, 5.5), (2.5, 2.5)]
    >>> x = np.vstack([rng.normal(c, 0.4, (25, 2)) for c in centres]).clip(1, 7)
    >>> d = pd.DataFrame(x, columns=["link", "symmetry"])
    >>> check = cluster_check(d, methods=("kmeans", "ward"), k_range=range(1, 7), n_boot=20, n_perm=99, seed=3)
    >>> check.verdict, round(check.ari["kmeans"], 2)
    ('supported', 1.0)
    >>> same = ClusterSettings(methods=("kmeans", "ward"), k_range=range(1, 7), n_boot=20, n_perm=99, seed=3)
    >>> cluster_check(d, settings=same).ari == check.ari
    True
    """
    if settings is None:
        settings = ClusterSettings.from_options(options)
    elif options:
        raise SpecificationError(f"pass either settings or options, not both (got {sorted(options)})",
                                 fix="put every option in the ClusterSettings")
    elif not isinstance(settings, ClusterSettings):
        raise SpecificationError(f"settings must be a ClusterSettings, got {type(settings).__name__}",
                                 fix="build it with ClusterSettings(...)")
    with threadpool_limits(limits=1):
        return _run(dyad_frame(dyads), settings, theory)


def _centroids(prep: Prepared, solutions: Solutions) -> pd.DataFrame:
    """Cluster means on the original scale, the quadrant of each and whether it is its configuration's."""
    s = prep.settings
    centroid_columns = list(s.variables) + [c for c in prep.rule_columns if prep.rule_available
                                            and c not in s.variables]
    original = prep.used[centroid_columns].to_numpy(dtype=float)[prep.order]
    rows = []
    for method in s.methods:
        final, n_clusters = solutions.final[method], solutions.n_clusters[method]
        frame = pd.DataFrame([np.nanmean(original[final == c], axis=0) for c in range(n_clusters)],
                             columns=centroid_columns)
        if prep.centroid_check_possible and prep.cuts is not None:
            quadrants, _ = _classify_with_cuts(frame, prep.cuts, s.link, s.symmetry, s.dep_asymmetry)
        else:
            quadrants = np.array([None] * n_clusters, dtype=object)
        sizes = np.bincount(final, minlength=n_clusters)
        for c in range(n_clusters):
            matched = solutions.matching[method][c + 1]
            row: dict[str, Any] = {"method": method, "cluster": c + 1, "n": int(sizes[c])}
            row.update({column: float(frame.at[c, column]) for column in centroid_columns})
            row["configuration"] = matched
            row["quadrant"] = quadrants[c]
            row["in_quadrant"] = (bool(quadrants[c] == matched) if (quadrants[c] is not None and matched is not None)
                                  else (False if quadrants[c] is not None else None))
            rows.append(row)
    return pd.DataFrame(rows)


def _settings_record(prep: Prepared, selection: KSelection, theory: Any) -> dict[str, Any]:
    """The options used, as recorded in the result (JSON-ready)."""
    s, k = prep.settings, prep.settings.k
    gmm = "gmm" in s.methods
    return {
        "k": k, "k_range": prep.ks, "methods": list(s.methods), "n_boot": s.n_boot, "n_perm": s.n_perm,
        "seed": prep.seed_record, "kmeans_n_init": s.kmeans_n_init, "gmm_n_init": s.gmm_n_init,
        "covariance_types": list(s.covariance_types),
        "gmm_covariance_type": selection.mixtures[k]["covariance_type"] if gmm else None,
        "gmm_reg_covar": selection.mixtures[k]["reg_covar"] if gmm else None,
        "gap_b": s.gap_b, "gap_n_init": s.gap_n_init, "gap_d_power": 2, "gap_space": "scaledPCA",
        "boot_n_init": s.boot_n_init, "standardize": s.standardize, "cuts": prep.cuts, "asymmetry": s.asymmetry,
        "conf_level": s.conf_level, "min_per_cluster": s.min_per_cluster,
        "subsample": (None if prep.sub is None else
                      {"size": len(prep.sub), "of": len(prep.z), "seed_stream": "subsample",
                       "used_by": ["ward", "gap", "stability", "ari_ci"]}),
        "theory": ("classify" if theory is None and prep.theory is not None else
                   ("none" if prep.theory is None else "given")),
    }


def _labels_frame(prep: Prepared, solutions: Solutions) -> pd.DataFrame:
    """Cluster number (1..k) of each dyad used, one column per method, in the input's row order."""
    labels = pd.DataFrame(index=prep.used.index)
    for method in prep.settings.methods:
        values = np.empty(len(prep.used), dtype=int)
        values[prep.order] = solutions.final[method] + 1
        labels[method] = values
    return labels


def _run(frame: pd.DataFrame, settings: ClusterSettings, theory: Any) -> ClusterCheck:
    prep = prepare(frame, settings, theory)
    selection = select_k(prep)
    solutions = match_solutions(prep, selection.fits)
    jaccard, boot_ari = bootstrap(prep, solutions, selection.mixtures.get(settings.k))
    tail = (1.0 - settings.conf_level) / 2.0
    ari_ci = {m: (float(np.quantile(v, tail)), float(np.quantile(v, 1.0 - tail))) for m, v in boot_ari.items()}
    stability = stability_table(prep, solutions, jaccard)
    centroids = _centroids(prep, solutions)
    checks, answer, reasons = verdict(Evidence(
        methods=settings.methods, k=settings.k, k_picks=selection.k_picks, ari=solutions.ari, ari_p=solutions.ari_p,
        stability=stability, centroids=centroids, has_theory=prep.theory is not None,
        centroid_possible=prep.centroid_check_possible))
    return ClusterCheck(
        variables=settings.variables, k=settings.k, methods=settings.methods, n_used=len(prep.used),
        n_dropped=prep.n_dropped, k_selection=selection.k_selection, k_picks=selection.k_picks,
        gmm_bic=selection.gmm_table, gap=selection.gap, labels=_labels_frame(prep, solutions),
        theory=prep.theory.rename("theory") if prep.theory is not None else None, matching=solutions.matching,
        confusion=solutions.confusion, ari=solutions.ari, ari_p=solutions.ari_p, ari_ci=ari_ci,
        kappa=solutions.kappa, accuracy=solutions.accuracy, stability=stability, centroids=centroids,
        checks=checks, verdict=answer, reasons=reasons, settings=_settings_record(prep, selection, theory),
        boot_jaccard=jaccard, boot_ari=boot_ari, warnings=tuple(prep.messages),
    )
