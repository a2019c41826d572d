"""Report tables that combine several constructs: item statistics, reliability with convergent validity, and
factorability (KMO, Bartlett, parallel analysis).

The plan's measurement section calls these; the numbers come from :func:`item_analysis`,
:func:`cronbach_alpha`, :func:`cfa`, :func:`kmo`, :func:`bartlett_sphericity` and :func:`parallel_analysis`,
nothing is recomputed here except the composite reliability from standardized loadings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import check_lang, tr
from alliance_stats.core.table import Table
from alliance_stats.measurement.cfa.results import CFAResult
from alliance_stats.measurement.efa import BartlettResult, KMOResult, ParallelAnalysisResult
from alliance_stats.measurement.items import ItemAnalysisResult
from alliance_stats.measurement.reliability import AlphaResult

__all__ = ["construct_item_table", "convergent_validity_frame", "factorability_table",
           "reliability_validity_table", "standardized_composite_reliability"]

_ITEM_FORMATS = {"construct": "text", "reverse": "text", "n": "int", "mean": "f2", "sd": "f2", "skew": "f2",
                 "kurtosis": "f2", "floor": "pct", "ceiling": "pct", "r_drop": "r2", "alpha_if_dropped": "r2"}


def _item_headers(lang: str) -> dict[str, str]:
    return {"construct": tr("measurement.construct", lang), "reverse": tr("measurement.items_table.reverse", lang),
            "n": "n", "mean": tr("measurement.mean", lang), "sd": tr("measurement.sd", lang),
            "skew": tr("measurement.items_table.skew", lang), "kurtosis": tr("measurement.kurtosis", lang),
            "floor": tr("measurement.items_table.floor", lang), "ceiling": tr("measurement.items_table.ceiling", lang),
            "r_drop": "r(drop)", "alpha_if_dropped": tr("measurement.items_table.alpha_if_dropped", lang)}


def construct_item_table(results: Mapping[str, ItemAnalysisResult], reversed_items: Collection[str],
                         lang: str = "en") -> Table:
    """Item statistics of several constructs in one table (key ``item_statistics``).

    Parameters
    ----------
    results
        Construct code -> :func:`item_analysis` result, in the order of the table.
    reversed_items
        Items that were reverse-keyed before the analysis (marked ``R``).
    lang
        ``"en"`` or ``"fr"``.

    Returns
    -------
    Table
        One row per item: construct, reversed mark, then :data:`~alliance_stats.measurement.items.ITEM_COLUMNS`.

    References
    ----------
    Revelle, W. (2022). psych 2.2.9, ``describe`` (type 3) and ``alpha`` (``r.drop``, ``alpha.drop``).

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement import item_analysis
    >>> items = pd.DataFrame({"a": [1, 2, 3, 4, 5, 5], "b": [2, 2, 3, 5, 4, 5], "c": [1, 3, 3, 4, 4, 5]})
    >>> table = construct_item_table({"F": item_analysis(items)}, {"b"})
    >>> table.frame[["Construct", "Reversed"]].to_numpy().tolist()
    [['F', ''], ['F', 'R'], ['F', '']]
    """
    check_lang(lang)
    frames = []
    for code, result in results.items():
        stats_ = result.items.copy()
        stats_.insert(0, "construct", code)
        frames.append(stats_)
    item_stats = pd.concat(frames)
    item_stats.index.name = "item"
    reversed_names = set(reversed_items)
    item_stats.insert(1, "reverse", [("R" if name in reversed_names else "") for name in item_stats.index])
    headers = _item_headers(lang)
    cols = [c for c in headers if c in item_stats.columns]
    shown = item_stats[cols].rename(columns=headers)
    return Table(key="item_statistics", title=tr("measurement.items_title", lang), frame=shown,
                 note=tr("measurement.items_table.note", lang), formats={headers[c]: _ITEM_FORMATS[c] for c in cols},
                 lang=lang)


def standardized_composite_reliability(std_loadings: np.ndarray) -> float:
    """Composite reliability from standardized loadings, ``(sum l)^2 / ((sum l)^2 + sum(1 - l^2))``.

    Parameters
    ----------
    std_loadings
        Standardized loadings (lavaan's std.all) of one factor's items.

    Returns
    -------
    float

    References
    ----------
    Fornell, C., & Larcker, D. F. (1981). *Journal of Marketing Research*, 18(1), 39-50.
    Raykov, T. (1997). *Applied Psychological Measurement*, 21(2), 173-184.

    Examples
    --------
    >>> round(standardized_composite_reliability(np.array([0.8, 0.7, 0.6])), 4)
    0.7449
    """
    lam = np.asarray(std_loadings, dtype=float)
    return float(lam.sum() ** 2 / (lam.sum() ** 2 + np.sum(1 - lam**2)))


def convergent_validity_frame(alphas: Mapping[str, AlphaResult], fit: CFAResult | None) -> pd.DataFrame:
    """Alpha with its interval, and omega, CR and AVE from the CFA (NaN without one), one row per construct.

    Parameters
    ----------
    alphas
        Construct code -> :func:`cronbach_alpha` result; the codes name the CFA's factors.
    fit
        The :func:`cfa` result of all constructs, or ``None`` when it could not be estimated.

    Returns
    -------
    DataFrame
        Columns ``k``, ``n``, ``alpha``, ``alpha_low``, ``alpha_high``, ``omega`` (compRelSEM), ``cr`` (from
        the standardized loadings), ``ave``; indexed by construct code.

    References
    ----------
    Cronbach (1951); semTools 0.5-6 ``compRelSEM()`` and ``AVE()``; Fornell & Larcker (1981).

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement import cfa, cronbach_alpha
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")
    >>> model = "visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6"
    >>> alphas = {"visual": cronbach_alpha(hs[["x1", "x2", "x3"]]), "textual": cronbach_alpha(hs[["x4", "x5", "x6"]])}
    >>> frame = convergent_validity_frame(alphas, cfa(hs, model))
    >>> frame[["alpha", "omega", "ave"]].round(3).loc["textual"].tolist()
    [0.883, 0.885, 0.721]
    """
    rows = []
    for code, a in alphas.items():
        omega = cr = ave = np.nan  # from the CFA, when it could be estimated
        if fit is not None:
            lam = fit.loadings.loc[fit.loadings["factor"] == code, "std_est"].to_numpy(dtype=float)
            cr = standardized_composite_reliability(lam)
            omega, ave = float(fit.reliability.loc[code, "omega"]), float(fit.reliability.loc[code, "ave"])
        rows.append({"k": a.k, "n": a.n, "alpha": a.alpha, "alpha_low": a.ci[0] if a.ci else np.nan,
                     "alpha_high": a.ci[1] if a.ci else np.nan, "omega": omega, "cr": cr, "ave": ave})
    return pd.DataFrame(rows, index=pd.Index(list(alphas), name="construct"))


def reliability_validity_table(frame: pd.DataFrame, labels: Mapping[str, str], ci_method: str,
                               lang: str = "en") -> Table:
    """Reliability and convergent validity table (key ``reliability``) of :func:`convergent_validity_frame`.

    Parameters
    ----------
    frame
        Result of :func:`convergent_validity_frame`.
    labels
        Construct code -> the name shown.
    ci_method
        Name of alpha's interval method (``"feldt"`` or ``"bootstrap"``), quoted in the note.
    lang
        ``"en"`` or ``"fr"``.

    Returns
    -------
    Table

    References
    ----------
    Nunnally (1978) and Fornell & Larcker (1981) for the thresholds quoted in the note.

    Examples
    --------
    >>> frame = pd.DataFrame({"k": [3], "n": [100], "alpha": [0.8], "alpha_low": [0.7], "alpha_high": [0.85],
    ...                       "omega": [0.81], "cr": [0.8], "ave": [0.6]}, index=["F"])
    >>> reliability_validity_table(frame, {"F": "Trust"}, "feldt").frame.columns.tolist()
    ['k', 'n', 'α', '95% CI low', '95% CI high', 'ω', 'CR', 'AVE']
    """
    check_lang(lang)
    reliability = frame.set_axis(pd.Index([labels[c] for c in frame.index]), axis=0)
    reliability.index.name = tr("measurement.construct", lang)
    headers = {"k": "k", "n": "n", "alpha": "α", "alpha_low": tr("measurement.reliability_table.ci_low", lang),
               "alpha_high": tr("measurement.reliability_table.ci_high", lang), "omega": "ω", "cr": "CR",
               "ave": "AVE"}
    shown = reliability.rename(columns=headers)
    formats = {headers["k"]: "int", headers["n"]: "int", "α": "r2", headers["alpha_low"]: "r2",
               headers["alpha_high"]: "r2", "ω": "r2", "CR": "r2", "AVE": "r2"}
    return Table(key="reliability", title=tr("measurement.reliability_table.title", lang), frame=shown,
                 note=tr("measurement.reliability_table.note", lang).format(ci=ci_method), formats=formats,
                 lang=lang)


def factorability_table(kmo: KMOResult | None, bartlett: BartlettResult | None,
                        parallel: ParallelAnalysisResult | None, *, n_constructs: int, n_obs: int, n_iter: int,
                        lang: str = "en") -> Table:
    """KMO, Bartlett's test and the parallel analysis's suggestion in one column (key ``efa_diagnostics``).

    Parameters
    ----------
    kmo, bartlett, parallel
        Results of :func:`kmo`, :func:`bartlett_sphericity` and :func:`parallel_analysis`; ``None`` for a
        diagnostic that could not be computed (shown as missing).
    n_constructs
        Number of constructs in the CFA model (shown beside the suggested number of factors).
    n_obs
        Respondents behind the pairwise correlations.
    n_iter
        Simulated data sets of the parallel analysis (quoted in the note).
    lang
        ``"en"`` or ``"fr"``.

    Returns
    -------
    Table

    References
    ----------
    Kaiser (1974); Bartlett (1951); Horn (1965); psych 2.2.9 ``KMO``, ``cortest.bartlett``, ``fa.parallel``.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement import bartlett_sphericity, kmo
    >>> hs = pd.read_csv("tests/fixtures/measurement/holzinger_swineford_1939.csv")[[f"x{j}" for j in range(1, 10)]]
    >>> table = factorability_table(kmo(hs), bartlett_sphericity(hs), None, n_constructs=3, n_obs=301, n_iter=100)
    >>> table.frame["Value"].round(3).tolist()[:3]
    [0.752, 904.097, 36.0]
    """
    check_lang(lang)
    values = [kmo.msa if kmo else np.nan, bartlett.chisq if bartlett else np.nan,
              bartlett.df if bartlett else np.nan, bartlett.p if bartlett else np.nan,
              parallel.n_factors if parallel else np.nan, n_constructs, n_obs]
    index = ["KMO (MSA)"] + [tr(f"measurement.factorability.{key}", lang) for key in
                             ("bartlett_chisq", "bartlett_df", "bartlett_p", "n_factors", "n_constructs", "n")]
    diag = pd.DataFrame({tr("measurement.factorability.value", lang): values}, index=index)
    diag.index.name = ""
    col = diag.columns[0]
    formats = {col: "f2", "row:" + diag.index[2]: "int", "row:" + diag.index[3]: "p", "row:" + diag.index[0]: "r2",
               "row:" + diag.index[4]: "int", "row:" + diag.index[5]: "int", "row:" + diag.index[6]: "int"}
    note = tr("measurement.factorability.note", lang).format(n_iter=n_iter)
    return Table(key="efa_diagnostics", title=tr("measurement.factorability.title", lang), frame=diag, note=note,
                 formats=formats, lang=lang)
