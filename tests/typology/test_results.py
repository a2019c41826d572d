"""Every typology result class follows the result protocol (core.results.check_result), and the options of the
cluster check live in one settings object."""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from alliance_stats.core.errors import AnalysisWarning, SpecificationError
from alliance_stats.core.results import Result, check_result
from alliance_stats.typology import (
    Agreement,
    ClusterCheck,
    ClusterSettings,
    Sufficiency,
    TypologyCounts,
    classify,
    cluster_check,
    fuzzy_membership,
    partition_agreement,
    sufficiency,
    typology_counts,
)

from .synthetic import four_blobs

FAST = {"methods": ("kmeans", "ward", "gmm"), "k_range": range(1, 6), "n_boot": 10, "n_perm": 19, "gap_b": 5,
        "kmeans_n_init": 3, "gmm_n_init": 1, "seed": 5}


def _counts() -> TypologyCounts:
    dyads = four_blobs(40, seed=2)
    return typology_counts(classify(dyads), fuzzy_membership(dyads))


def _sufficiency() -> Sufficiency:
    dyads = four_blobs(40, seed=2)
    outcome = pd.Series((dyads["link"] > 4).astype(int).to_numpy(), index=dyads.index, name="crossed")
    return sufficiency(fuzzy_membership(dyads), outcome)


def _agreement() -> Agreement:
    return partition_agreement([1, 1, 2, 2, 3, 3, 3], ["entraide", "entraide", "survie", "survie", "parrainage",
                                                       "parrainage", "survie"], n_perm=19, seed=1)


def _check() -> ClusterCheck:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return cluster_check(four_blobs(60, seed=3), **FAST)


def _check_without_theory() -> ClusterCheck:
    dyads = four_blobs(60, seed=3).rename(columns={"link": "x", "symmetry": "y"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        return cluster_check(dyads, variables=("x", "y"), **FAST)


FACTORIES = [_counts, _sufficiency, _agreement, _check, _check_without_theory]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__.strip("_"))
def test_result_protocol(factory) -> None:
    result = factory()
    check_result(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.warnings = ("changed",)  # type: ignore[misc]
    # rendering does not change the result
    before = json.dumps(result.to_dict(), sort_keys=True)
    result.to_tables("fr")
    assert json.dumps(result.to_dict(), sort_keys=True) == before


def test_every_result_class_of_the_stage_is_covered() -> None:
    import alliance_stats.typology as typology

    classes = {name for name in typology.__all__ if isinstance(getattr(typology, name), type)
               and issubclass(getattr(typology, name), Result)}
    covered = {type(factory()).__name__ for factory in (_counts, _sufficiency, _agreement)} | {"ClusterCheck"}
    assert classes == covered


def test_settings_and_old_keywords_give_the_same_check() -> None:
    dyads = four_blobs(60, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        by_keywords = cluster_check(dyads, **FAST)
        by_settings = cluster_check(dyads, settings=ClusterSettings(**FAST))
    assert by_keywords.to_dict() == by_settings.to_dict()


@pytest.mark.parametrize("options", [
    {"conf_level": 1.2}, {"k": 1}, {"methods": ("kmeans", "dbscan")}, {"k_range": range(2, 6)}, {"n_boot": 3},
    {"covariance_types": ("banana",)}, {"asymmetry": "behavioural"}, {"min_per_cluster": 0}, {"alpha": 0.05},
])
def test_bad_options_raise_specification_error(options) -> None:
    with pytest.raises(SpecificationError):
        cluster_check(four_blobs(60, seed=3), **options)


def test_settings_and_keywords_together_are_refused() -> None:
    with pytest.raises(SpecificationError, match="not both"):
        cluster_check(four_blobs(60, seed=3), settings=ClusterSettings(), k=3)


def test_agreement_tables_in_both_languages() -> None:
    agreement = _agreement()
    en, fr = agreement.to_tables("en"), agreement.to_tables("fr")
    assert en["partition_agreement"].frame.iloc[0, 0] == pytest.approx(agreement.ari)
    assert "Exactitude*" in fr["partition_agreement"].frame.columns
    assert np.array_equal(en["partition_confusion"].frame.to_numpy(), agreement.confusion.to_numpy())
