"""Common-method variance: Harman's single-factor test, an unmeasured latent method factor, a marker variable.

When every construct is measured by the same respondent on the same questionnaire, part of the items'
covariance may come from the method (a response style, consistency motif, social desirability) rather than
from the constructs (Podsakoff, MacKenzie, Lee and Podsakoff 2003). Reviewers ask for three checks, each
computed here:

- **Harman's single-factor test**: the share of the items' total variance taken by the first unrotated
  factor. Two versions are reported: the first *principal component* (eigenvalue / number of items, the "% of
  variance" SPSS prints and most papers report; the verdict uses it) and the first *common factor* (minres,
  ``psych::fa(nfactors = 1)``'s ``Proportion Var``). Rule: a concern when the share exceeds 50 %. Its known
  weakness: it detects only a method factor that dominates every other source of covariance; with several
  well-measured constructs it almost never fires (Podsakoff et al. 2003, p. 889), so a pass is weak evidence.
- **Unmeasured latent method construct** (ULMC; Podsakoff et al. 2003, Table 4; Williams, Cote and Buckley
  1989): the trait CFA plus a method factor on which *every* item loads, orthogonal to the traits. The method
  loadings are constrained equal (all fixed to 1, the method factor's variance free), as in Williams et al.'s
  specification and Richardson, Simmering and Sturman (2009): with free method loadings the model is often
  empirically under-identified with few items per trait. Reported: the chi-square difference with the trait
  model (ML; 1 degree of freedom) and the share of the items' variance due to the method factor (the mean of
  the squared standardised method loadings). Rule: a concern when the method model fits significantly better
  (p < .05) *and* the method factor takes at least 10 % of the items' variance (Williams et al. found 25 % on
  average in published studies; 10 % is where it starts to bias correlations noticeably). The items enter as
  scored (reverse-keyed items reversed), so the factor models a common-rater or halo effect that raises every
  scored answer; acquiescence, which would load with the opposite sign on reverse-keyed items, is not what it
  captures. A negative method-factor variance (a Heywood case, reported as a warning) means the items share less
  covariance than the trait model implies: no sign of a method factor, and no share is computed.
- **Marker variable** (Lindell and Whitney 2001), when the plan names an item theoretically unrelated to the
  constructs: ``r_M`` = the smallest correlation between the marker and the construct scores (means of each
  construct's items), floored at 0; each correlation between constructs corrected as ``(r - r_M) / (1 - r_M)``
  and tested with ``t = r_A / sqrt((1 - r_A^2) / (N - 3))``. Rule: a concern when a correlation significant at
  .05 before the correction is no longer significant after it.

The verdict: common-method variance is flagged when any of the three rules fires (the ULMC rule carries the
evidence; Harman's test rarely fires; the marker rule needs a marker item).

Checked against lavaan 0.6-14 (the ULMC and trait fits, chi-square difference) and psych 2.2.9 (``fa`` and
``principal`` shares) in ``tests/measurement/test_cmv.py`` (fixtures:
``tests/fixtures/cmv_cluster/make_fixtures_cmv_cluster.R``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from alliance_stats.core.errors import AnalysisWarning, SpecificationError
from alliance_stats.core.i18n import tr
from alliance_stats.core.results import Result, warn
from alliance_stats.core.table import Table
from alliance_stats.measurement.cfa import cfa
from alliance_stats.measurement.syntax import parse_model

__all__ = ["CMVResult", "CMVRules", "common_method_variance", "ulmc_syntax"]

_FIT_KEYS = ("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")
_MAX_SAME = 3  # warnings of one kind named per model; the others are counted


@dataclass(frozen=True)
class CMVRules:
    """Thresholds of the verdict (see the module docstring)."""

    harman_share: float = 0.50
    method_share: float = 0.10
    alpha: float = 0.05


@dataclass(frozen=True)
class CMVResult(Result):
    """The three common-method-variance checks and their verdict.

    Attributes
    ----------
    harman_pc_share, harman_fa_share
        Share of the items' variance of the first unrotated principal component and common factor.
    trait_fit, ulmc_fit
        lavaan fit measures (``chisq``, ``df``, ``pvalue``, ``cfi``, ``tli``, ``rmsea``, ``srmr``) of the trait
        model and of the model with the method factor (``None`` when it could not be fitted).
    chisq_diff, df_diff, p_diff
        Chi-square difference test of the two models.
    method_share
        Mean squared standardised loading of the items on the method factor.
    method_loadings
        Per item: ``trait`` and ``method`` standardised loadings in the ULMC model, ``method_share``.
    marker_item, marker_r, marker
        The marker item, ``r_M``, and per pair of constructs ``r``, ``p``, ``r_adjusted``, ``p_adjusted``.
    flags
        Which rules fired: keys ``harman``, ``ulmc``, ``marker`` (``None``: not computed).
    flagged
        True when any rule fired.
    n_obs, n_items
        Respondents and items of the analysis.
    """

    harman_pc_share: float
    harman_fa_share: float
    trait_fit: dict[str, float]
    ulmc_fit: dict[str, float] | None
    chisq_diff: float
    df_diff: float
    p_diff: float
    method_share: float
    method_loadings: pd.DataFrame
    marker_item: str | None
    marker_r: float | None
    marker: pd.DataFrame | None
    flags: dict[str, bool | None]
    flagged: bool
    n_obs: int
    n_items: int
    rules: CMVRules = CMVRules()
    warnings: tuple[str, ...] = ()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``cmv_tests`` (one row per check, with its criterion and whether it fired), ``cmv_models`` (fit of the
        trait and method-factor models) and, with a marker, ``cmv_marker``."""
        return _tables(self, lang)


def ulmc_syntax(model: str, method: str = "METHOD") -> str:
    """The trait model plus an unmeasured latent method factor: every item loads 1 on ``method`` (equal
    loadings, the method factor's variance free), orthogonal to every trait.

    Parameters
    ----------
    model
        The trait model in lavaan syntax.
    method
        Name of the method factor (must not be a factor or item of ``model``).

    Returns
    -------
    str
        The method-factor model in lavaan syntax.

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases in
    behavioral research. *Journal of Applied Psychology*, 88(5), 879-903.

    Examples
    --------
    >>> print(ulmc_syntax("A =~ a1 + a2\\nB =~ b1 + b2"))
    A =~ a1 + a2
    B =~ b1 + b2
    METHOD =~ 1*a1 + 1*a2 + 1*b1 + 1*b2
    METHOD ~~ 0*A + 0*B
    """
    parsed = parse_model(model)
    if method in parsed.factors or method in parsed.items:
        raise SpecificationError(f"the method factor's name {method!r} is already used in the model", value=method,
                                 fix="pass another method= name")
    loadings = " + ".join(f"1*{item}" for item in parsed.items)
    orthogonal = " + ".join(f"0*{factor}" for factor in parsed.factors)
    return f"{model.strip()}\n{method} =~ {loadings}\n{method} ~~ {orthogonal}"


def common_method_variance(data: pd.DataFrame, model: str, marker: str | None = None,
                           rules: CMVRules | None = None) -> CMVResult:
    """Harman's single-factor test, the unmeasured latent method factor and the marker-variable correction.

    Parameters
    ----------
    data
        One row per respondent: the model's items (reverse-keyed items already reversed) and the marker item.
    model
        The trait model in lavaan syntax (one factor per construct).
    marker
        A column theoretically unrelated to the constructs (Lindell and Whitney 2001), or ``None``.
    rules
        Thresholds of the verdict (default :class:`CMVRules`).

    Returns
    -------
    CMVResult

    Raises
    ------
    SpecificationError
        A marker that is not a column or is an item of the model; the trait model cannot be fitted.

    References
    ----------
    Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases in
    behavioral research. *Journal of Applied Psychology*, 88(5), 879-903.
    Williams, L. J., Cote, J. A., & Buckley, M. R. (1989). Lack of method variance in self-reported affect and
    perceptions at work. *Journal of Applied Psychology*, 74(3), 462-468.
    Lindell, M. K., & Whitney, D. J. (2001). Accounting for common method variance in cross-sectional research
    designs. *Journal of Applied Psychology*, 86(1), 114-121.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 2))
    >>> data = pd.DataFrame({f"{c}{i}": 0.8 * f[:, k] + rng.normal(scale=0.6, size=300)
    ...                      for k, c in enumerate("ab") for i in range(1, 4)})
    >>> res = common_method_variance(data, "A =~ a1 + a2 + a3\\nB =~ b1 + b2 + b3")
    >>> res.flagged, sorted(res.to_tables())
    (False, ['cmv_models', 'cmv_tests'])
    """
    rules = rules or CMVRules()
    parsed = parse_model(model)
    items = list(parsed.items)
    if marker is not None and (marker not in data.columns or marker in items):
        what = "an item of the model" if marker in items else "not a column of the data"
        raise SpecificationError(f"marker item {marker!r} is {what}", column=marker,
                                 fix="name an item that measures none of the constructs")
    messages: list[str] = []
    block = data[items].apply(pd.to_numeric, errors="coerce").astype(float)
    missing = "fiml" if block.isna().any().any() else "listwise"
    pc_share, fa_share = _harman(block)
    trait = _quiet(messages, "trait model", cfa, data, model, missing=missing)
    ulmc, loadings = _ulmc(data, model, parsed, missing, messages)
    chisq_diff = df_diff = p_diff = math.nan
    share = math.nan
    if ulmc is not None:
        chisq_diff = trait.fit["chisq"] - ulmc.fit["chisq"]
        df_diff = trait.fit["df"] - ulmc.fit["df"]
        p_diff = float(stats.chi2.sf(max(chisq_diff, 0.0), df_diff))
        share = float(loadings["method_share"].mean())
    marker_r, marker_frame = (None, None) if marker is None else _marker(data, parsed, marker, messages)
    flags: dict[str, bool | None] = {
        "harman": bool(pc_share > rules.harman_share),
        "ulmc": None if ulmc is None else bool(p_diff < rules.alpha and share >= rules.method_share),
        "marker": None if marker_frame is None else bool(
            ((marker_frame["p"] < rules.alpha) & (marker_frame["p_adjusted"] >= rules.alpha)).any()),
    }
    return CMVResult(
        harman_pc_share=pc_share, harman_fa_share=fa_share, trait_fit=_fit(trait), ulmc_fit=None if ulmc is None
        else _fit(ulmc), chisq_diff=chisq_diff, df_diff=df_diff, p_diff=p_diff, method_share=share,
        method_loadings=loadings, marker_item=marker, marker_r=marker_r, marker=marker_frame, flags=flags,
        flagged=any(bool(v) for v in flags.values()), n_obs=int(sum(trait.n_obs.values())), n_items=len(items),
        rules=rules, warnings=tuple(messages))


def _quiet(messages: list[str], what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` with its warnings re-issued once, same category, prefixed with ``what`` (so that
    the report says which of the two CFAs had a Heywood case)."""
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            return func(*args, **kwargs)
    finally:  # outside the catching block: warn() would otherwise add to the list being read
        shown: dict[type[Warning], int] = {}
        for w in list(caught):
            if issubclass(w.category, AnalysisWarning):
                shown[w.category] = shown.get(w.category, 0) + 1
                if shown[w.category] <= _MAX_SAME:
                    warn(messages, f"{what}: {w.message}", w.category)
        for category, count in shown.items():  # e.g. fifty Heywood loadings: three named, the rest counted
            if count > _MAX_SAME:
                warn(messages, f"{what}: {count - _MAX_SAME} more warning(s) of the same kind "
                               f"({category.__name__})", category)


def _fit(result: object) -> dict[str, float]:
    return {key: float(result.fit[key]) for key in _FIT_KEYS}  # type: ignore[attr-defined]


def _harman(block: pd.DataFrame) -> tuple[float, float]:
    """First principal component's and first minres factor's share of the items' variance (pairwise
    correlations, as psych)."""
    from alliance_stats.measurement.efa import efa

    corr = block.corr().to_numpy()
    pc_share = float(np.linalg.eigvalsh(corr)[-1] / corr.shape[0])
    one = efa(block, 1, method="minres", rotation=None)
    fa_share = float(one.variance.loc["proportion_var"].iloc[0])
    return pc_share, fa_share


def _ulmc(data: pd.DataFrame, model: str, parsed: object, missing: str, messages: list[str]
          ) -> tuple[object | None, pd.DataFrame]:
    """The method-factor model and the items' standardised trait and method loadings (``None`` and an empty
    frame, with a warning, when it cannot be fitted)."""
    method = "METHOD" if "METHOD" not in parsed.factors else "CMV_METHOD"  # type: ignore[attr-defined]
    empty = pd.DataFrame(columns=["trait", "method", "method_share"], dtype=float)
    try:
        res = _quiet(messages, "method-factor (ULMC) model", cfa, data, ulmc_syntax(model, method), missing=missing,
                     allow_cross_loadings=True)
    except SpecificationError as exc:
        warn(messages, f"the method-factor (ULMC) model could not be fitted: {exc.message}")
        return None, empty
    loads = res.loadings
    method_rows = loads[loads["factor"] == method].set_index("item")["std_est"]
    trait_rows = loads[loads["factor"] != method].set_index("item")["std_est"]
    frame = pd.DataFrame({"trait": trait_rows, "method": method_rows.reindex(trait_rows.index)})
    frame["method_share"] = frame["method"] ** 2
    frame.index.name = "item"
    if not res.converged:
        return None, empty
    return res, frame


def _marker(data: pd.DataFrame, parsed: object, marker: str, messages: list[str]
            ) -> tuple[float | None, pd.DataFrame | None]:
    """Lindell and Whitney's correction of the correlations between construct scores (``None``, with a warning,
    for a marker without variance)."""
    factors = list(parsed.factors)  # type: ignore[attr-defined]
    scores = pd.DataFrame({f: data[list(parsed.items_of(f))].apply(pd.to_numeric, errors="coerce")  # type: ignore[attr-defined]
                           .mean(axis=1) for f in factors})
    scores[marker] = pd.to_numeric(data[marker], errors="coerce")
    scores = scores.dropna()
    n = len(scores)
    if n < 4 or not scores[marker].std() > 0:
        warn(messages, f"the marker item {marker!r} has no variance among the {n} respondents with every score: "
                       "the marker-variable correction is not computed")
        return None, None
    corr = scores.corr()
    r_m = max(float(corr.loc[marker, factors].min()), 0.0)
    rows = []
    for a in range(len(factors)):
        for b in range(a + 1, len(factors)):
            r = float(corr.iloc[a, b])
            r_adj = (r - r_m) / (1 - r_m)
            rows.append({"pair": f"{factors[a]} - {factors[b]}", "r": r, "p": _r_pvalue(r, n - 2),
                         "r_adjusted": r_adj, "p_adjusted": _r_pvalue(r_adj, n - 3)})
    return r_m, pd.DataFrame(rows).set_index("pair")


def _r_pvalue(r: float, df: int) -> float:
    """Two-sided p of a correlation with ``df`` degrees of freedom (``t = r sqrt(df / (1 - r^2))``)."""
    if df < 1 or abs(r) >= 1:
        return 0.0 if abs(r) >= 1 else math.nan
    t = r * math.sqrt(df / (1 - r * r))
    return float(2 * stats.t.sf(abs(t), df))


def _yes_no(value: bool | None, lang: str) -> str:
    return "-" if value is None else tr("checks.yes" if value else "checks.no", lang)


def _tables(res: CMVResult, lang: str) -> dict[str, Table]:
    rules = res.rules
    pct = _pct(rules.harman_share, lang)
    rows = [
        (tr("checks.cmv.harman_pc", lang), res.harman_pc_share, math.nan,
         tr("checks.cmv.crit_harman", lang), _yes_no(res.flags["harman"], lang)),
        (tr("checks.cmv.harman_fa", lang), res.harman_fa_share, math.nan, tr("checks.cmv.crit_info", lang), "-"),
        (tr("checks.cmv.chisq_diff", lang).format(df=_int_text(res.df_diff)), res.chisq_diff, res.p_diff,
         tr("checks.cmv.crit_ulmc", lang),
         _yes_no(res.flags["ulmc"], lang)),
        (tr("checks.cmv.method_share", lang), res.method_share, math.nan,
         "" if math.isfinite(res.method_share) or res.ulmc_fit is None else tr("checks.cmv.share_improper", lang),
         ""),
    ]
    if res.marker is not None:
        rows.append((tr("checks.cmv.marker_r", lang).format(item=res.marker_item), res.marker_r, math.nan,
                     tr("checks.cmv.crit_marker", lang), _yes_no(res.flags["marker"], lang)))
    cols = [tr("checks.cmv.check", lang), tr("checks.value", lang), "p", tr("checks.cmv.criterion", lang),
            tr("checks.cmv.concern", lang)]
    frame = pd.DataFrame(rows, columns=cols).set_index(cols[0])
    verdict = tr("checks.cmv.verdict_flagged" if res.flagged else "checks.cmv.verdict_clear", lang)
    criteria = tr("checks.cmv.rules", lang).format(harman=pct, alpha=_num(rules.alpha, lang, "r2"),
                                                   share=_pct(rules.method_share, lang))
    note = tr("checks.cmv.note", lang).format(n=res.n_obs, k=res.n_items) + " " + criteria + " " + verdict
    tables = {"cmv_tests": Table("cmv_tests", tr("checks.cmv.title", lang), frame, note,
                                 {cols[1]: "f3", "p": "p", cols[3]: "text", cols[4]: "text"}, lang)}
    fits = {tr("checks.cmv.trait_model", lang): res.trait_fit,
            tr("checks.cmv.ulmc_model", lang): res.ulmc_fit or dict.fromkeys(_FIT_KEYS, math.nan)}
    models = pd.DataFrame(fits).T[list(_FIT_KEYS)]
    models.columns = ["χ²", tr("checks.df", lang), "p", "CFI", "TLI", "RMSEA", "SRMR"]
    models.index.name = tr("checks.model", lang)
    tables["cmv_models"] = Table("cmv_models", tr("checks.cmv.models_title", lang), models,
                                 tr("checks.cmv.models_note", lang),
                                 {"χ²": "f2", tr("checks.df", lang): "int", "p": "p", "CFI": "r3", "TLI": "r3",
                                  "RMSEA": "r3", "SRMR": "r3"}, lang)
    if res.marker is not None:
        marker = res.marker.copy()
        marker.columns = ["r", "p", tr("checks.cmv.r_adjusted", lang), tr("checks.cmv.p_adjusted", lang)]
        marker.index.name = tr("checks.cmv.pair", lang)
        tables["cmv_marker"] = Table(
            "cmv_marker", tr("checks.cmv.marker_title", lang), marker,
            tr("checks.cmv.marker_note", lang).format(item=res.marker_item, r=_num(res.marker_r or 0.0, lang)),
            {"r": "r3", "p": "p", marker.columns[2]: "r3", marker.columns[3]: "p"}, lang)
    return tables


def _num(value: float, lang: str, spec: str = "r3") -> str:
    from alliance_stats.core.i18n import fmt_number

    return fmt_number(value, spec, lang)


def _pct(value: float, lang: str) -> str:
    """``50%`` in English, ``50 %`` in French (a space before the sign)."""
    return f"{100 * value:.0f}" + (" %" if lang == "fr" else "%")


def _int_text(value: float) -> str:
    return "-" if not math.isfinite(value) else str(int(value))
