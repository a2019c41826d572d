"""Within-dyad agreement: rwg(j) of James, Demaree and Wolf (1984) and Bliese's ICC(1) and ICC(2).

Dyad-level (consensus) constructs such as the link or perceived symmetry are answered by both partners and
averaged into one dyad score. Averaging is only defensible when partners agree (Kenny, Kashy and Cook 2006;
Bliese 2000), which these indices document.

* :func:`rwg_j` - multi-item within-group agreement against the uniform ("rectangular") null,
  ``rwg(j) = J (1 - s2/e2) / (J (1 - s2/e2) + s2/e2)`` with ``s2`` the mean of the item variances within the
  group (sample variances, denominator n - 1) and ``e2 = (A^2 - 1) / 12`` for ``A`` response options. When
  ``s2 > e2`` the index would leave [0, 1]; as in R ``multilevel::rwg.j`` (multilevel 2.7) ``s2`` is then set
  to ``e2``, so the index is 0 (James, Demaree and Wolf 1984).
* :func:`icc_bliese` - ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW) and ICC(2) = (MSB - MSW) / MSB from a
  one-way ANOVA of the individual scores on the group, ``k`` the (mean) group size. For complete groups of
  equal size these are psych::ICC's ``ICC1`` and ``ICC1k`` (checked against psych 2.2.9 in the tests).
* :func:`dyad_agreement` - both indices for every dyad-level construct of the instrument.

Why hand-written: pingouin's ``intraclass_corr`` needs balanced, complete long data and labels its types
differently; there is no Python rwg(j). Both formulas are a few lines of NumPy, vectorised over dyads, and are
checked against psych::ICC (R psych 2.2.9) and against a worked rwg(j) example computed by hand from the
published formula (fixtures in ``tests/fixtures/data/``).

Missing answers: ``multilevel::rwg.j`` drops a rater with any missing item (``na.exclude``), which for dyads
removes the whole dyad. Here an item enters a dyad's ``s2`` only when both partners answered it, and ``J`` is
the number of such items; on complete data both conventions agree. A dyad with fewer than two raters on every
item gets NaN.

Reference: James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group interrater reliability
with and without response bias. Journal of Applied Psychology, 69(1), 85-98. Bliese, P. D. (2000).
Within-group agreement, non-independence, and reliability. In Klein & Kozlowski (Eds.), Multilevel theory,
research, and methods in organizations (pp. 349-381). R packages multilevel 2.7 (``rwg.j``, ``ICC1``,
``ICC2``) and psych 2.2.9 (``ICC``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument

__all__ = ["RWG_THRESHOLD", "uniform_null_variance", "rwg_j", "icc_bliese", "dyad_agreement"]

#: Conventional threshold of "strong enough" agreement for aggregation (LeBreton and Senter 2008).
RWG_THRESHOLD = 0.70


def uniform_null_variance(n_options: int) -> float:
    """Variance of a discrete uniform distribution on ``n_options`` points, ``(A^2 - 1) / 12``.

    Parameters
    ----------
    n_options
        Number of response options ``A`` (at least 2).

    Returns
    -------
    float
        The expected variance ``sigma_EU^2`` of rwg under no agreement.

    References
    ----------
    James, L. R., Demaree, R. G., & Wolf, G. (1984), Journal of Applied Psychology 69, 85-98.

    Examples
    --------
    >>> uniform_null_variance(5), uniform_null_variance(7)
    (2.0, 4.0)
    """
    if n_options < 2:
        raise SpecificationError(f"a response scale needs at least 2 options, got {n_options}")
    return (n_options**2 - 1) / 12.0


def rwg_j(items_within_dyad: np.ndarray | pd.DataFrame, n_options: int) -> np.ndarray | float:
    """Multi-item within-group agreement rwg(j) against the uniform null.

    Parameters
    ----------
    items_within_dyad
        Either one group as a 2-D array (raters x items), which returns a float, or many groups as a 3-D array
        (groups x raters x items; pad smaller groups with NaN), which returns one value per group. For dyads
        the raters axis has length 2. NaN marks a missing answer.
    n_options
        Number of response options ``A`` of the items' scale (7 for a 1-7 scale).

    Returns
    -------
    float or numpy.ndarray
        rwg(j) in [0, 1]; NaN for a group where no item has two answers.

    Notes
    -----
    ``s2`` = mean over items of the within-group sample variance (denominator n - 1), using for each item
    the raters who answered it and the items answered by at least two raters (``J`` = their number);
    ``s2`` is capped at ``e2`` so that the index is 0 under more disagreement than chance, as
    ``multilevel::rwg.j``.

    References
    ----------
    James, Demaree and Wolf (1984), equation for r_WG(J); R multilevel 2.7 ``rwg.j``.

    Examples
    --------
    Two partners answering four items on a 1-7 scale:

    >>> round(rwg_j(np.array([[6, 7, 5, 6], [5, 7, 6, 6]]), 7), 6)  # = 60/61
    0.983607
    """
    arr = np.asarray(items_within_dyad, dtype=float)
    single = arr.ndim == 2
    if single:
        arr = arr[None, :, :]
    if arr.ndim != 3:
        raise SpecificationError("items_within_dyad must be 2-D (raters x items) or 3-D (groups x raters x items)")
    e2 = uniform_null_variance(n_options)
    answered = ~np.isnan(arr)
    n_raters = answered.sum(axis=1)  # (groups, items)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(arr, axis=1) / n_raters
        ss = np.nansum((arr - mean[:, None, :]) ** 2, axis=1)
        var = ss / (n_raters - 1)
    usable = n_raters >= 2
    n_items = usable.sum(axis=1)
    var = np.where(usable, var, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = var.sum(axis=1) / n_items
        ratio = np.minimum(s2, e2) / e2
        numerator = n_items * (1.0 - ratio)
        value = numerator / (numerator + ratio)
    value = np.where(n_items > 0, value, np.nan)
    # s2 = e2 exactly: 0 / (0 + 1) = 0 (no special case needed); s2 = 0: J / J = 1.
    return float(value[0]) if single else value


def icc_bliese(values: np.ndarray | pd.Series, groups: np.ndarray | pd.Series) -> tuple[float, float]:
    """Bliese's ICC(1) and ICC(2) from a one-way random-effects ANOVA.

    Parameters
    ----------
    values
        One score per individual (NaN values are dropped).
    groups
        The group (dyad) of each individual.

    Returns
    -------
    (icc1, icc2)
        ``ICC(1) = (MSB - MSW) / (MSB + (k - 1) MSW)`` and ``ICC(2) = (MSB - MSW) / MSB`` with ``k`` = number
        of individuals / number of groups (the mean group size, as R ``multilevel::ICC1``). NaN when there are
        fewer than two groups or no within-group degrees of freedom.

    References
    ----------
    Bliese (2000); R multilevel 2.7 ``ICC1``/``ICC2`` (``aov`` one-way ANOVA); equal to psych 2.2.9
    ``ICC(...)$results`` rows ``ICC1`` and ``ICC1k`` for complete groups of equal size.

    Examples
    --------
    >>> icc1, icc2 = icc_bliese([1, 2, 5, 6, 3, 3], ["d1", "d1", "d2", "d2", "d3", "d3"])
    >>> round(icc1, 4), round(icc2, 4)
    (0.9216, 0.9592)
    """
    y = np.asarray(values, dtype=float)
    g = np.asarray(groups)
    if y.shape != g.shape:
        raise SpecificationError(f"values and groups must have the same length ({y.shape} vs {g.shape})")
    keep = ~np.isnan(y)
    y, g = y[keep], g[keep]
    codes, _ = pd.factorize(g)
    n_groups = int(codes.max()) + 1 if codes.size else 0
    n = y.size
    if n_groups < 2 or n - n_groups < 1:
        return float("nan"), float("nan")
    sizes = np.bincount(codes, minlength=n_groups)
    sums = np.bincount(codes, weights=y, minlength=n_groups)
    group_means = sums / sizes
    grand = y.mean()
    ssb = float(np.sum(sizes * (group_means - grand) ** 2))
    ssw = float(np.sum((y - group_means[codes]) ** 2))
    msb = ssb / (n_groups - 1)
    msw = ssw / (n - n_groups)
    k = n / n_groups
    with np.errstate(invalid="ignore", divide="ignore"):
        icc1 = (msb - msw) / (msb + (k - 1) * msw) if (msb + (k - 1) * msw) != 0 else float("nan")
        icc2 = (msb - msw) / msb if msb != 0 else float("nan")
    return float(icc1), float(icc2)


def _dyad_item_cube(df: pd.DataFrame, items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(dyads x 2 x items) array of item answers, partners ordered by role; also the dyad ids."""
    roles = df["role"].astype(str).to_numpy()
    dyads = df["dyad_id"].to_numpy()
    dyad_codes, dyad_ids = pd.factorize(dyads, sort=True)
    slot = np.where(roles == "a", 0, 1)
    cube = np.full((len(dyad_ids), 2, len(items)), np.nan)
    cube[dyad_codes, slot, :] = df[items].to_numpy(dtype=float)
    return cube, np.asarray(dyad_ids)


def dyad_agreement(df: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Within-dyad agreement for every dyad-level construct of the instrument.

    Parameters
    ----------
    df
        Responses in the canonical layout (one row per respondent, ``dyad_id``, ``role``, the items). Declared
        missing codes are treated as missing and reverse-keyed items are reversed before computing (via
        :func:`alliance_stats.data.scoring.score_responses`). Not modified.
    instrument
        The instrument (items, reverse keys, scales, construct levels).

    Returns
    -------
    pandas.DataFrame
        Indexed by construct code (dyad-level constructs, instrument order), columns ``n_dyads`` (dyads with
        both partners' scores), ``n_items``, ``rwg_mean``, ``rwg_median``, ``rwg_share_70`` (share of dyads
        with rwg(j) >= .70), ``icc1``, ``icc2``.

    References
    ----------
    James, Demaree and Wolf (1984); Bliese (2000); see the module docstring.

    Examples
    --------
    >>> from alliance_stats.instrument import default_instrument
    >>> from alliance_stats.simulate import simulate_alliances
    >>> inst = default_instrument()
    >>> sim = simulate_alliances(50, seed=1, instrument=inst)
    >>> bool(dyad_agreement(sim.responses, inst).loc["LINK", "rwg_mean"] > 0.7)
    True
    """
    from alliance_stats.data.scoring import check_dyad_roles, clean_items, score_responses

    check_dyad_roles(df)
    clean = clean_items(df, instrument)
    scores = score_responses(df, instrument)
    rows = []
    for code, construct in instrument.constructs.items():
        if construct.level != "dyad":
            continue
        items = [var.name for var in instrument.items(code)]
        if not items:
            continue
        n_options = instrument.scales[construct.scale].n_options
        cube, _ = _dyad_item_cube(clean.assign(dyad_id=df["dyad_id"].to_numpy(), role=df["role"].to_numpy()),
                                  items)
        rwg = rwg_j(cube, n_options)
        rwg = rwg[~np.isnan(rwg)]
        score = scores[code]
        both = score.groupby(scores["dyad_id"]).transform("count") == 2
        icc1, icc2 = icc_bliese(score[both].to_numpy(), scores.loc[both, "dyad_id"].to_numpy())
        rows.append(
            {
                "construct": code,
                "n_dyads": int(both.sum() // 2),
                "n_items": len(items),
                "rwg_mean": float(rwg.mean()) if rwg.size else np.nan,
                "rwg_median": float(np.median(rwg)) if rwg.size else np.nan,
                "rwg_share_70": float(np.mean(rwg >= RWG_THRESHOLD)) if rwg.size else np.nan,
                "icc1": icc1,
                "icc2": icc2,
            }
        )
    columns = ["n_dyads", "n_items", "rwg_mean", "rwg_median", "rwg_share_70", "icc1", "icc2"]
    return pd.DataFrame(rows, columns=["construct", *columns]).set_index("construct")
