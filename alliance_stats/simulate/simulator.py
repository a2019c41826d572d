"""Synthetic alliances with known truth: the demo data and the test oracle of the data layer.

:func:`simulate_alliances` draws ``n_dyads`` alliances between very small firms and the answers both leaders
would give to the instrument. Every step is vectorised over dyads (a 300-dyad draw takes a few milliseconds)
because the power analysis calls it thousands of times.

Generative model (every number is a field of :class:`SimulationParams`; "latent" = the continuous scale on
which items load; the 1-7 midpoint 4 corresponds to latent 0)
---------------------------------------------------------------------------------------------------------
1. **Configuration and axes.** ``structure="clusters"``: each dyad's configuration is drawn with ``shares``;
   its latent link ``L`` and symmetry ``S`` are normal around the configuration's centre
   ``(+-c, +-c)`` with ``c = separation * spread / 2`` (social/symmetric = +) and SD ``spread``, so
   ``separation`` is the distance between high and low centres in within-configuration SDs.
   ``structure="none"``: one bivariate normal cloud centred at 0 with the same marginal variance
   (``spread^2 + c^2``), no clusters; ``structure="continuous"``: uniform on a square with that marginal
   variance. In both, the dyad's configuration is the quadrant of its latent ``(L, S)``.
2. **Trust.** ``TRS = trs_on_link * L + e``; ``TRC = trc_on_link * L - trc_on_asymmetry * S + e``, with
   ``e ~ N(0, trust_resid_sd)`` (shared trust in social alliances, constrained trust in economic and
   asymmetric ones).
3. **Dependence** (firm level). Dyad mean ``mu ~ N(0, dep_mean_sd)``; gap ``g = dep_gap * expit(-dep_gap_slope
   * S)`` (near 0 in symmetric dyads, near ``dep_gap`` in asymmetric ones); the more dependent firm (the
   start-up firm with probability ``startup_more_dependent`` when only one firm is a start-up, else either)
   gets ``mu + g/2``, the other ``mu - g/2``, each plus ``N(0, dep_sd)``.
4. **Process constructs** (firm level: STRUCT, REFLEX, LEARN, AWARE, TRANSF, SAT and any other construct):
   ``P = a * L + b * TRS + c * TRC + N(0, process_resid_sd)`` with ``(a, b, c)`` from ``process_paths``.
5. **Partners.** On a dyad-level construct (LINK, SYM, TRS, TRC) each partner answers from the dyad's latent
   value plus an own deviation ``N(0, partner_sd)``; on firm-level constructs from the firm's latent value.
6. **Items.** ``y* = loading * eta + N(0, residual_variance)`` (``residual_variance`` defaults to
   ``1 - loading^2``), cut into the response scale by ``thresholds`` (for a scale with other than 7 points,
   equally spaced thresholds over the same range). Reverse-keyed items are then written reversed,
   ``(min + max) - x``.
7. **Firms and facts.** In a share ``both_startup_share`` of dyads both firms were in their start-up phase
   when the alliance began (``STARTUP_AT_ALLIANCE = 1``), otherwise exactly one. The alliance began 1-6
   years before ``survey_year``. A start-up firm got its first order 0-2 years before the alliance and was
   founded that year or the year before; an established firm was founded 4-20 years before the alliance
   and got its first order within a year. So ``FOUNDING_YEAR <= FIRST_ORDER_YEAR <= ALLIANCE_START_YEAR``.
   Employees (people, the leader included): start-up ``1 + Binomial(4, .3)``, established
   ``1 + Binomial(9, .4)`` (always <= 10). Founder age ``N(42, 9)`` rounded to 22-70; prior experience
   ``Poisson(8)``, at most age - 16. ``STRAT_1..4`` are yes with ``strat_probs``, and one random criterion is
   set to yes when none is. Alliance facts are shared by the partners (written contract more likely in
   economic-link alliances; joint brand, shared premises, joint bids more likely in social ones).
   ``SAT_RESOURCE`` lists one to three bottleneck resources. ``LANG`` is per dyad (French with probability
   ``lang_fr_share``). Identifiers are clearly fake: ``Firme 0001``, ``Répondant 0001``,
   ``r0001@example.org``; ``resp_id`` ``R0001``, ``dyad_id`` ``D0001``.
8. **Outcome.** For each firm at risk (``STARTUP_AT_ALLIANCE = 1``) the true probability of crossing is
   ``logit p = logit(base_probability) + log OR[configuration] + log OR_trs * TRS + log OR_trc * TRC +
   sum_k log OR_k * (control_k - reference_k)`` (configuration reference ``survie``; trust per latent unit,
   about 1.1 scale points; controls firm age at alliance start, employees, founder experience, centred at the
   means of the start-up firms' distributions given in ``Truth.control_reference``). The latent crossing
   ``C ~ Bernoulli(p)``.
9. **Making the definition recover C** (``crossed`` of ``params.crossed``, default Sammut with cuts 5.0).
   With ``h`` the latent value at which the expected AWARE (TRANSF) score equals its cut:

   * ``C = 1``: ``BREAKEVEN = 1``; AWARE and TRANSF latents are drawn from their process distribution
     truncated to ``>= h + cut_margin``;
   * ``C = 0``: ``BREAKEVEN = 1`` with probability ``breakeven_if_not_crossed``; then (AWARE ok, TRANSF ok)
     is drawn from its conditional distribution given "not both ok" (probabilities from the process
     distribution), and each latent from the matching truncated part (``>= h + cut_margin`` or
     ``< h - cut_margin``); with ``BREAKEVEN = 0`` both latents keep their process distribution.
   * After the items are drawn (and answers removed as missing), a firm whose answered items still miss the
     required side of the cut has its keyed answers on that construct moved one scale point at a time
     toward it (at most ``n_options - 1`` steps), so the definition applied to careful respondents' scores
     recovers ``C`` exactly whenever the scores exist (``min_share`` answered). Careless respondents'
     answers replace theirs, so for them it need not.

   ``kind="breakeven"``: ``BREAKEVEN = C`` and AWARE/TRANSF keep their process distribution. Firms not at
   risk broke even with probability ``established_breakeven``. ``BREAKEVEN_YEAR`` lies between the
   alliance start and ``survey_year`` (start-ups) or within three years of the first order (others).
10. **Careless respondents and missing answers.** A share ``straightliner_share`` answer every Likert
    item (attention item included) with one value; ``random_share`` answer uniformly at random; the others
    answer the attention item as instructed. Then each Likert answer of careful respondents is missing with
    probability ``missing_rate`` (``MCAR``), or with log-odds ``logit(missing_rate) + mar_strength * z``
    where ``z`` is the standardised founder age (``MAR``: depends on an observed variable). A share
    ``dont_know_share`` of missing answers is recorded as the item's declared missing code (99).

Randomness: one ``numpy.random.SeedSequence`` per call, spawned into independent streams for each step
(configurations, latents, items, careless, missing, facts, outcome), so changing one step's parameters
(say ``missing_rate``) leaves the other steps' draws unchanged. Same seed, same output.

Reference: docs/design.md sections 2-4 (constructs, data model); Jaouen's typology (docs/theory.md section 5);
Sammut (1995) for the end of the start-up phase; Meade and Craig (2012) for careless-responding patterns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from scipy.optimize import brentq
from scipy.special import expit, logit, ndtr, ndtri

from alliance_stats.core.constants import DEFAULT_SEED
from alliance_stats.core.errors import SpecificationError
from alliance_stats.core.i18n import tr
from alliance_stats.core.results import Result
from alliance_stats.core.table import Table
from alliance_stats.data.scoring import CrossedDefinition
from alliance_stats.instrument.skiplogic import TRUE, evaluate

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument

__all__ = [
    "CONFIGURATIONS",
    "ProcessPath",
    "SimulationParams",
    "Truth",
    "Simulated",
    "simulate_alliances",
    "latent_cut",
]

#: The four configurations (same order and codes as ``alliance_stats.typology.CONFIGURATIONS``).
CONFIGURATIONS: tuple[str, ...] = ("entraide", "parrainage", "survie", "contre_nature")
#: (link sign, symmetry sign) of each configuration: social/symmetric = +1.
_SIGNS = np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]], dtype=float)
_DYAD_LATENT = {"LINK": "link", "SYM": "symmetry", "TRS": "trust_shared", "TRC": "trust_constrained"}

# Distributions of the firm facts (module docstring, step 7).
_STARTUP_EMPLOYEES = (4, 0.3)  # 1 + Binomial(n, p)
_ESTABLISHED_EMPLOYEES = (9, 0.4)
_STARTUP_FIRST_ORDER_LAG = (0, 2)  # years between first order and alliance start (uniform, inclusive)
_STARTUP_FOUNDING_LAG_P = 0.3  # P(founded the year before the first order)
_ESTABLISHED_AGE = (4, 20)
_ALLIANCE_AGE = (1, 6)  # years between alliance start and survey
_EXPERIENCE_MEAN = 8.0


def _control_reference() -> dict[str, float]:
    """Means of the controls among start-up firms (the centring of the outcome model)."""
    low, high = _STARTUP_FIRST_ORDER_LAG
    return {
        "firm_age": (low + high) / 2 + _STARTUP_FOUNDING_LAG_P,
        "EMPLOYEES": 1 + _STARTUP_EMPLOYEES[0] * _STARTUP_EMPLOYEES[1],
        "FOUNDER_EXPERIENCE": _EXPERIENCE_MEAN,
    }


class ProcessPath(BaseModel):
    """Coefficients of a firm-level construct's latent on the dyad's link and trusts (step 4)."""

    model_config = ConfigDict(extra="forbid")

    link: float = Field(0.0, description="coefficient on the dyad's latent link")
    trust_shared: float = Field(0.0, description="coefficient on the dyad's latent shared trust")
    trust_constrained: float = Field(0.0, description="coefficient on the dyad's latent constrained trust")


def _default_process_paths() -> dict[str, ProcessPath]:
    return {
        "SAT": ProcessPath(link=0.0, trust_shared=0.1, trust_constrained=0.2),
        "STRUCT": ProcessPath(link=0.2, trust_shared=0.3, trust_constrained=-0.1),
        "REFLEX": ProcessPath(link=0.2, trust_shared=0.3, trust_constrained=-0.1),
        "LEARN": ProcessPath(link=0.3, trust_shared=0.5, trust_constrained=-0.2),
        "AWARE": ProcessPath(link=0.2, trust_shared=0.3, trust_constrained=-0.1),
        "TRANSF": ProcessPath(link=0.2, trust_shared=0.3, trust_constrained=-0.1),
    }


class SimulationParams(BaseModel):
    """Every parameter of the generative model (see the module docstring for where each one acts).

    Load from YAML with ``SimulationParams.model_validate(data)``; unknown keys are rejected. A configuration
    left out of ``shares`` gets share 0, one left out of ``odds_ratios`` gets odds ratio 1.
    """

    model_config = ConfigDict(extra="forbid")

    # 1. configurations and axes
    shares: dict[str, float] = Field(
        default_factory=lambda: dict.fromkeys(CONFIGURATIONS, 0.25),
        description="share of dyads in each configuration (entraide, parrainage, survie, contre_nature); sum 1",
    )
    structure: Literal["clusters", "none", "continuous"] = Field(
        "clusters", description="'clusters' around configuration centres, 'none' (one normal cloud) or "
        "'continuous' (uniform square); same marginal variance",
    )
    separation: float = Field(
        4.0, ge=0, description="distance between low and high centres on each axis, in within-configuration SDs",
    )
    spread: float = Field(0.5, gt=0, description="within-configuration SD of the latent link and symmetry")
    partner_sd: float = Field(0.35, ge=0, description="SD of a partner's own deviation on dyad-level constructs")
    # 2. trust
    trs_on_link: float = Field(0.8, description="slope of latent shared trust on latent link")
    trc_on_link: float = Field(-0.6, description="slope of latent constrained trust on latent link")
    trc_on_asymmetry: float = Field(0.3, description="slope of latent constrained trust on asymmetry (-symmetry)")
    trust_resid_sd: float = Field(0.5, ge=0, description="residual SD of the latent trusts")
    # 3. dependence
    dep_mean_sd: float = Field(0.5, ge=0, description="SD of a dyad's mean latent dependence")
    dep_gap: float = Field(2.0, ge=0, description="gap between the partners' dependence in an asymmetric dyad")
    dep_gap_slope: float = Field(3.0, ge=0, description="steepness of the gap's decrease with symmetry")
    dep_sd: float = Field(0.35, ge=0, description="SD of a firm's own deviation in dependence")
    startup_more_dependent: float = Field(
        0.75, ge=0, le=1, description="P(the start-up firm is the more dependent one when only one firm is)",
    )
    # 4. process constructs
    process_paths: dict[str, ProcessPath] = Field(
        default_factory=_default_process_paths,
        description="per firm-level construct code: coefficients on link, shared trust, constrained trust",
    )
    process_resid_sd: float = Field(0.8, gt=0, description="residual SD of the firm-level construct latents")
    # 6. measurement
    loading: float = Field(0.8, gt=0, lt=1.5, description="item loading on its construct's latent")
    loadings: dict[str, float] = Field(
        default_factory=dict, description="per construct code: a loading overriding `loading`",
    )
    residual_variance: float | None = Field(
        None, gt=0, description="item residual variance; default 1 - loading^2 (standardised items)",
    )
    thresholds: list[float] = Field(
        default_factory=lambda: [-1.75, -1.05, -0.35, 0.35, 1.05, 1.75],
        description="cut points of y* into the response scale (increasing; n_options - 1 of them)",
    )
    # 7. firms and facts
    both_startup_share: float = Field(
        0.3, ge=0, le=1, description="share of dyads where both firms were in their start-up phase",
    )
    survey_year: int = Field(2025, ge=1960, le=2200, description="year of the survey")
    lang_fr_share: float = Field(0.8, ge=0, le=1, description="share of dyads answering in French")
    strat_probs: list[float] = Field(
        default_factory=lambda: [0.6, 0.5, 0.35, 0.4], description="P(yes) of STRAT_1..STRAT_4",
    )
    # 8. outcome
    crossed: CrossedDefinition = Field(
        default_factory=CrossedDefinition, description="definition of crossed the simulated answers must obey",
    )
    base_probability: float = Field(
        0.3, gt=0, lt=1, description="P(crossing) in survie, latent trusts 0, controls at their reference",
    )
    odds_ratios: dict[str, float] = Field(
        default_factory=lambda: {"entraide": 3.0, "parrainage": 2.0, "survie": 1.0, "contre_nature": 1.2},
        description="odds ratio of crossing per configuration, reference survie (= 1)",
    )
    or_trust_shared: float = Field(1.5, gt=0, description="odds ratio per latent unit of shared trust")
    or_trust_constrained: float = Field(0.75, gt=0, description="odds ratio per latent unit of constrained trust")
    or_firm_age: float = Field(1.1, gt=0, description="odds ratio per year of firm age at alliance start")
    or_employees: float = Field(1.1, gt=0, description="odds ratio per employee")
    or_founder_experience: float = Field(1.03, gt=0, description="odds ratio per year of founder experience")
    breakeven_if_not_crossed: float = Field(
        0.5, ge=0, le=1, description="P(BREAKEVEN = 1) for an at-risk firm that did not cross (sammut)",
    )
    established_breakeven: float = Field(0.9, ge=0, le=1, description="P(BREAKEVEN = 1) for firms not at risk")
    cut_margin: float = Field(
        0.25, ge=0, description="latent margin around the AWARE/TRANSF cut when conditioning on crossing",
    )
    # 10. careless respondents and missing answers
    straightliner_share: float = Field(0.02, ge=0, le=1, description="share of straight-lining respondents")
    random_share: float = Field(0.02, ge=0, le=1, description="share of respondents answering at random")
    missing_rate: float = Field(0.02, ge=0, lt=1, description="probability that a Likert answer is missing")
    missing_mechanism: Literal["MCAR", "MAR"] = Field("MCAR", description="MCAR, or MAR on founder age")
    mar_strength: float = Field(1.0, description="MAR: log-odds of missingness per SD of founder age")
    dont_know_share: float = Field(
        0.0, ge=0, le=1, description="share of missing Likert answers recorded as the declared code (99)",
    )

    @field_validator("shares")
    @classmethod
    def _check_shares(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CONFIGURATIONS))
        if unknown:
            raise ValueError(f"unknown configuration(s) {unknown}; use {', '.join(CONFIGURATIONS)}")
        full = {name: float(value.get(name, 0.0)) for name in CONFIGURATIONS}
        if any(v < 0 for v in full.values()):
            raise ValueError("shares must be >= 0")
        if abs(sum(full.values()) - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, they sum to {sum(full.values()):.6g}")
        return full

    @field_validator("odds_ratios")
    @classmethod
    def _check_odds_ratios(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CONFIGURATIONS))
        if unknown:
            raise ValueError(f"unknown configuration(s) {unknown}; use {', '.join(CONFIGURATIONS)}")
        full = {name: float(value.get(name, 1.0)) for name in CONFIGURATIONS}
        if any(v <= 0 for v in full.values()):
            raise ValueError("odds ratios must be > 0")
        if full["survie"] != 1.0:
            raise ValueError("survie is the reference configuration: its odds ratio must be 1")
        return full

    @field_validator("thresholds")
    @classmethod
    def _check_thresholds(cls, value: list[float]) -> list[float]:
        if len(value) < 1 or any(b <= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("thresholds must be strictly increasing")
        return value

    @field_validator("strat_probs")
    @classmethod
    def _check_strat(cls, value: list[float]) -> list[float]:
        if any(not 0 <= v <= 1 for v in value):
            raise ValueError("strat_probs must be probabilities")
        return value

    @model_validator(mode="after")
    def _check_careless(self) -> SimulationParams:
        if self.straightliner_share + self.random_share > 1:
            raise ValueError("straightliner_share + random_share must not exceed 1")
        if self.residual_variance is None and max([self.loading, *self.loadings.values()]) >= 1:
            raise ValueError("a loading >= 1 needs an explicit residual_variance")
        return self

    def centre_offset(self) -> float:
        """Distance ``c`` of each configuration centre from the origin on each axis (latent units)."""
        return self.separation * self.spread / 2

    def loading_of(self, code: str) -> float:
        """Loading of the items of construct ``code``."""
        return float(self.loadings.get(code, self.loading))

    def residual_variance_of(self, code: str) -> float:
        """Residual variance of the items of construct ``code``."""
        if self.residual_variance is not None:
            return float(self.residual_variance)
        return 1.0 - self.loading_of(code) ** 2


# ------------------------------------------------------------------------------------------ results


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        clean = {}
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                clean[key] = None
            elif isinstance(value, np.integer):
                clean[key] = int(value)
            elif isinstance(value, float | np.floating):
                clean[key] = round(float(value), 6)
            elif isinstance(value, np.bool_):
                clean[key] = bool(value)
            else:
                clean[key] = value
        out.append(clean)
    return out


@dataclass(frozen=True)
class Truth(Result):
    """What the simulator knows and the analysis must recover.

    Attributes
    ----------
    params
        The parameters used.
    seed
        Entropy of the seed sequence (``None`` when a spawned SeedSequence was passed; see ``spawn_key``).
    spawn_key
        Spawn key of the seed sequence (empty for a plain integer seed).
    n_dyads
        Number of dyads.
    dyads
        One row per dyad: ``dyad_id``, ``configuration`` (true), ``quadrant`` (configuration of the latent
        point, equal to ``configuration`` for ``structure="clusters"`` unless the draw crossed an axis),
        latent ``link``, ``symmetry``, ``trust_shared``, ``trust_constrained``, ``dep_gap``,
        ``both_startup``, ``more_dependent`` (role).
    firms
        One row per firm (= respondent): ``resp_id``, ``dyad_id``, ``role``, ``startup`` (at risk),
        ``careless`` (``none``/``straightliner``/``random``), ``p_cross`` and ``crossed`` (at-risk firms; NaN
        otherwise), ``breakeven``, and the respondent's latent value of every construct (column = code).
    configuration_centres
        Latent (link, symmetry) centre of each configuration.
    intercept
        Intercept of the outcome model (log-odds).
    control_reference
        Values at which the controls are centred in the outcome model.
    latent_cuts
        Latent value ``h`` where the expected AWARE / TRANSF score equals its cut (step 9).
    warnings
        Always empty (the generative model has no statistical trouble to report); the result protocol's field.
    """

    params: SimulationParams
    seed: int | None
    spawn_key: tuple[int, ...]
    n_dyads: int
    dyads: pd.DataFrame
    firms: pd.DataFrame
    configuration_centres: dict[str, tuple[float, float]]
    intercept: float
    control_reference: dict[str, float]
    latent_cuts: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-able Python objects (NaN as ``None``; per-dyad and per-firm values rounded to
        6 decimals)."""
        return {
            "synthetic": True,
            "generator": "alliance_stats.simulate.simulate_alliances",
            "seed": self.seed,
            "spawn_key": list(self.spawn_key),
            "n_dyads": self.n_dyads,
            "params": self.params.model_dump(mode="json"),
            "configuration_centres": {k: list(v) for k, v in self.configuration_centres.items()},
            "intercept": self.intercept,
            "control_reference": self.control_reference,
            "latent_cuts": self.latent_cuts,
            "dyads": _records(self.dyads),
            "firms": _records(self.firms),
        }


    def summary(self) -> pd.DataFrame:
        """Per true configuration: dyads, share, firms at risk, true crossings, mean true probability."""
        dyads = self.dyads
        firms = self.firms.merge(dyads[["dyad_id", "configuration"]], on="dyad_id")
        at_risk = firms[firms["startup"] == 1]
        rows = []
        for name in CONFIGURATIONS:
            sub = at_risk[at_risk["configuration"] == name]
            n_dyads = int((dyads["configuration"] == name).sum())
            rows.append({
                "configuration": name,
                "n_dyads": n_dyads,
                "share": n_dyads / max(len(dyads), 1),
                "n_at_risk": len(sub),
                "n_crossed": int(sub["crossed"].sum()),
                "crossed_share": float(sub["crossed"].mean()) if len(sub) else np.nan,
                "mean_p_cross": float(sub["p_cross"].mean()) if len(sub) else np.nan,
            })
        return pd.DataFrame(rows).set_index("configuration")

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``simulated_population``: the simulated population per true configuration."""
        frame = self.summary()
        frame.index = [tr(name, lang) for name in frame.index]
        frame.index.name = tr("configuration", lang)
        frame.columns = [tr(f"data.sim.{c}", lang) for c in frame.columns]
        formats = dict(zip(frame.columns, ["int", "pct", "int", "int", "pct", "r2"], strict=True))
        note = tr("data.sim.note", lang).format(n=self.n_dyads, seed=self.seed)
        table = Table(key="simulated_population", title=tr("data.sim.title", lang), frame=frame, note=note,
                      formats=formats, lang=lang)
        return {"simulated_population": table}


@dataclass(frozen=True)
class Simulated(Result):
    """Output of :func:`simulate_alliances`: the responses (canonical layout) and the truth."""

    responses: pd.DataFrame
    truth: Truth
    warnings: tuple[str, ...] = ()

    @property
    def dyads(self) -> pd.DataFrame:
        """The true dyads (``truth.dyads``)."""
        return self.truth.dyads

    @property
    def firms(self) -> pd.DataFrame:
        """The true firms (``truth.firms``)."""
        return self.truth.firms

    def summary(self) -> pd.DataFrame:
        """Per true configuration: dyads, share, firms at risk, true crossings, mean true probability."""
        return self.truth.summary()

    def to_tables(self, lang: str = "en") -> dict[str, Table]:
        """``simulated_population``: the simulated population per true configuration (:meth:`Truth.to_tables`)."""
        return self.truth.to_tables(lang)


# ------------------------------------------------------------------------------------------- layout


@dataclass
class _Layout:
    """What the simulator needs from the instrument, computed once per instrument."""

    scale_min: int
    scale_max: int
    n_options: int
    constructs: list[str]
    levels: dict[str, str]
    items: dict[str, list[str]]
    reverse: dict[str, np.ndarray]
    missing_code: dict[str, int | None]
    attention: list[tuple[str, int]]
    likert_all: list[str]  # construct items + attention items, questionnaire order


def _layout(instrument: Instrument) -> _Layout:
    items = {code: [v.name for v in instrument.items(code)] for code in instrument.construct_codes()}
    items = {code: names for code, names in items.items() if names}
    first = instrument.likert_items()[0]
    scale = instrument.scales[first.scale]
    return _Layout(
        scale_min=scale.min,
        scale_max=scale.max,
        n_options=scale.n_options,
        constructs=list(items),
        levels={code: instrument.constructs[code].level for code in items},
        items=items,
        reverse={code: np.array([instrument.variable(n).reverse for n in names]) for code, names in items.items()},
        missing_code={
            v.name: (v.missing_codes[0] if v.missing_codes else None) for v in instrument.likert_items()
        },
        attention=[(v.name, int(v.attention_expected)) for v in instrument.attention_items()],
        likert_all=[v.name for v in instrument.variables if v.type == "likert"],
    )


@lru_cache(maxsize=1)
def _default_instrument() -> Instrument:
    from alliance_stats.instrument import default_instrument

    return default_instrument()


def _thresholds(params: SimulationParams, n_options: int) -> np.ndarray:
    given = np.asarray(params.thresholds, dtype=float)
    if given.size == n_options - 1:
        return given
    return np.linspace(given[0], given[-1], n_options - 1)


def _expected_score(eta: float, loadings: np.ndarray, resid_sd: np.ndarray, thresholds: np.ndarray,
                    scale_min: int) -> float:
    z = (loadings[:, None] * eta - thresholds[None, :]) / resid_sd[:, None]
    return float(np.mean(scale_min + ndtr(z).sum(axis=1)))


def latent_cut(params: SimulationParams, code: str, n_items: int, cut: float, scale_min: int = 1,
               scale_max: int = 7) -> float:
    """Latent value at which the expected score of construct ``code`` equals ``cut`` (step 9).

    Parameters
    ----------
    params
        The simulation parameters (loading, residual variance, thresholds).
    code
        The construct code.
    n_items
        Number of items of the construct.
    cut
        The score cut (strictly inside the scale).
    scale_min, scale_max
        The response scale.

    Returns
    -------
    float
        The latent value ``h`` (Brent's root of expected score minus cut).

    References
    ----------
    Module docstring, step 9; Sammut (1995) for the AWARE/TRANSF cuts.

    Examples
    --------
    >>> round(latent_cut(SimulationParams(), "AWARE", 5, 4.0), 6)
    0.0
    """
    if not scale_min < cut < scale_max:
        raise SpecificationError(f"a score cut must lie strictly inside the scale ({scale_min}-{scale_max}), got {cut}",
                                 value=cut)
    thresholds = tuple(float(t) for t in _thresholds(params, scale_max - scale_min + 1))
    return _latent_root(params.loading_of(code), params.residual_variance_of(code), thresholds, int(n_items),
                        float(cut), int(scale_min))


@lru_cache(maxsize=256)
def _latent_root(loading: float, residual_variance: float, thresholds: tuple[float, ...], n_items: int, cut: float,
                 scale_min: int) -> float:
    """Brent's root of :func:`latent_cut` (cached: every simulation of a power analysis asks for the same two)."""
    loadings = np.full(n_items, loading)
    resid_sd = np.full(n_items, math.sqrt(residual_variance))
    grid = np.asarray(thresholds)
    return float(brentq(lambda e: _expected_score(e, loadings, resid_sd, grid, scale_min) - cut, -50, 50,
                        xtol=1e-10))


# ----------------------------------------------------------------------------------------- sampling


def _truncated_normal(rng: np.random.Generator, mean: np.ndarray, sd: float, bound: np.ndarray,
                      upper: np.ndarray, used: np.ndarray) -> np.ndarray:
    """Draw N(mean, sd) truncated to ``>= bound`` where ``upper`` else ``< bound`` (inverse CDF, stable tails);
    one uniform is drawn per element, the draw computed only where ``used`` (NaN elsewhere)."""
    u_all = rng.uniform(size=mean.shape)
    out = np.full(mean.shape, np.nan)
    for tail in (True, False):
        at = np.flatnonzero(used & (upper == tail))
        a = np.clip((bound[at] - mean[at]) / sd, -30, 30)
        u = u_all[at]
        u = np.where(u <= 0, np.finfo(float).tiny, u)
        # upper tail: P(Z >= z) = Phi(-a) * u ;  lower tail: P(Z < z) = Phi(a) * u
        z = np.maximum(-ndtri(ndtr(-a) * u), a) if tail else np.minimum(ndtri(ndtr(a) * u), a)
        out[at] = mean[at] + sd * z
    return out


def _seed_sequence(seed: int | np.random.SeedSequence | None) -> np.random.SeedSequence:
    if isinstance(seed, np.random.SeedSequence):
        # a fresh copy: spawning mutates a SeedSequence, and the output must depend only on entropy + spawn key
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
    if seed is None:
        raise SpecificationError("a seed is required (an int or a numpy.random.SeedSequence)")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise SpecificationError(f"seed must be a non-negative integer, got {seed!r}", value=seed)
    return np.random.SeedSequence(int(seed))


#: The careless-responding kinds of the truth table, by code (:func:`.kernels.careless_answers`).
_CARELESS = np.array(["none", "straightliner", "random"], dtype=object)

_STREAMS = ("configuration", "latent", "facts", "outcome", "items", "missing", "careless")


def _fake_ids(prefix: str, n: int, width: int, suffix: str = "") -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}{suffix}" for i in range(1, n + 1)], dtype=object)


@dataclass
class _Draw:
    """The state of one simulation as its phases fill it in (dyad-level arrays have length ``n``, firm-level
    ones length ``m = 2n``; firm ``k`` belongs to dyad ``dyad_of[k]`` and has role ``b`` when ``role_b[k]``)."""

    n: int
    dyad_of: np.ndarray
    role_b: np.ndarray
    config: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    quadrant: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    link: np.ndarray = field(default_factory=lambda: np.empty(0))
    sym: np.ndarray = field(default_factory=lambda: np.empty(0))
    trs: np.ndarray = field(default_factory=lambda: np.empty(0))
    trc: np.ndarray = field(default_factory=lambda: np.empty(0))
    both_startup: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    startup: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    dep_gap: np.ndarray = field(default_factory=lambda: np.empty(0))
    more_dep_b: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))
    latent: dict[str, np.ndarray] = field(default_factory=dict)
    process_mean: dict[str, np.ndarray] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # draws used at assembly (sector, resources)
    p_cross: np.ndarray = field(default_factory=lambda: np.empty(0))
    crossed: np.ndarray = field(default_factory=lambda: np.empty(0))
    breakeven: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=int))
    force: dict[str, np.ndarray] = field(default_factory=dict)
    cuts: dict[str, float] = field(default_factory=dict)
    latent_cuts: dict[str, float] = field(default_factory=dict)
    intercept: float = 0.0
    noise: dict[str, np.ndarray] = field(default_factory=dict)  # the items' standard normal draws
    missing_u: dict[str, np.ndarray] = field(default_factory=dict)  # the draws that make answers missing
    p_missing: np.ndarray = field(default_factory=lambda: np.empty(0))  # each respondent's P(missing answer)
    answers: dict[str, np.ndarray] = field(default_factory=dict)
    recorded: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))  # Likert and attention answers
    careless: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))  # 1 straight-liner, 2 random

    @property
    def m(self) -> int:
        return 2 * self.n


def _draw_axes(p: SimulationParams, d: _Draw, rng: np.random.Generator) -> None:
    """Step 1: each dyad's configuration and latent link and symmetry."""
    n = d.n
    shares = np.array([p.shares[c] for c in CONFIGURATIONS])
    c_off = p.centre_offset()
    total_sd = math.sqrt(p.spread**2 + c_off**2)
    config = None
    if p.structure == "clusters":
        config = rng.choice(len(CONFIGURATIONS), size=n, p=shares)
        axes = _SIGNS[config] * c_off + rng.normal(0.0, p.spread, size=(n, 2))
    elif p.structure == "none":
        axes = rng.normal(0.0, total_sd, size=(n, 2))
    else:
        half = math.sqrt(3.0) * total_sd
        axes = rng.uniform(-half, half, size=(n, 2))
    d.link, d.sym = axes[:, 0], axes[:, 1]
    d.quadrant = np.where(d.link >= 0, np.where(d.sym >= 0, 0, 1), np.where(d.sym >= 0, 2, 3))
    d.config = d.quadrant if config is None else config


def _draw_roles_and_latents(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator) -> None:
    """Steps 2-5: trust, start-up status and roles, dependence, process constructs, partners' latents."""
    n, m, dyad_of, role_b, link, sym = d.n, d.m, d.dyad_of, d.role_b, d.link, d.sym
    d.trs = p.trs_on_link * link + rng.normal(0.0, p.trust_resid_sd, n)
    d.trc = p.trc_on_link * link - p.trc_on_asymmetry * sym + rng.normal(0.0, p.trust_resid_sd, n)
    d.both_startup = rng.uniform(size=n) < p.both_startup_share
    startup_is_b = rng.uniform(size=n) < 0.5
    d.startup = np.where(role_b, d.both_startup[dyad_of] | startup_is_b[dyad_of],
                         d.both_startup[dyad_of] | ~startup_is_b[dyad_of])
    dep_mean = rng.normal(0.0, p.dep_mean_sd, n)
    d.dep_gap = p.dep_gap * expit(-p.dep_gap_slope * sym)
    pick_startup = rng.uniform(size=n) < p.startup_more_dependent
    coin = rng.uniform(size=n) < 0.5
    # more dependent partner is b when: one start-up -> (start-up is b) == pick_startup; both -> coin
    d.more_dep_b = np.where(d.both_startup, coin, startup_is_b == pick_startup)
    more_dep = role_b == d.more_dep_b[dyad_of]
    dep = dep_mean[dyad_of] + np.where(more_dep, 0.5, -0.5) * d.dep_gap[dyad_of] + rng.normal(0.0, p.dep_sd, m)
    dyad_latent = {"LINK": link, "SYM": sym, "TRS": d.trs, "TRC": d.trc}
    for code in lay.constructs:
        if code in dyad_latent:
            d.latent[code] = dyad_latent[code][dyad_of] + rng.normal(0.0, p.partner_sd, m)
        elif code == "DEP":
            d.latent[code] = dep
        else:
            path = p.process_paths.get(code, ProcessPath())
            mean = path.link * link + path.trust_shared * d.trs + path.trust_constrained * d.trc
            if lay.levels[code] == "dyad":  # an unknown dyad-level construct: shared part + partner deviation
                shared = mean + rng.normal(0.0, p.process_resid_sd, n)
                d.latent[code] = shared[dyad_of] + rng.normal(0.0, p.partner_sd, m)
            else:
                d.process_mean[code] = mean[dyad_of]
                d.latent[code] = d.process_mean[code] + rng.normal(0.0, p.process_resid_sd, m)


def _draw_facts(p: SimulationParams, d: _Draw, rng: np.random.Generator) -> None:
    """Step 7: years, employees, founder, strategic criteria, alliance facts, language; draws for assembly."""
    n, m, dyad_of, role_b, startup, link = d.n, d.m, d.dyad_of, d.role_b, d.startup, d.link
    alliance_year = (p.survey_year - rng.integers(_ALLIANCE_AGE[0], _ALLIANCE_AGE[1] + 1, size=n))[dyad_of]
    lag_order = rng.integers(_STARTUP_FIRST_ORDER_LAG[0], _STARTUP_FIRST_ORDER_LAG[1] + 1, size=m)
    lag_found = (rng.uniform(size=m) < _STARTUP_FOUNDING_LAG_P).astype(int)
    est_age = rng.integers(_ESTABLISHED_AGE[0], _ESTABLISHED_AGE[1] + 1, size=m)
    est_order_lag = rng.integers(0, 2, size=m)
    first_order = np.where(startup, alliance_year - lag_order, alliance_year - est_age + est_order_lag)
    founding = np.where(startup, first_order - lag_found, alliance_year - est_age)
    employees = 1 + np.where(startup, rng.binomial(*_STARTUP_EMPLOYEES, size=m),
                             rng.binomial(*_ESTABLISHED_EMPLOYEES, size=m))
    founder_age = np.clip(np.rint(rng.normal(42.0, 9.0, size=m)), 22, 70).astype(int)
    experience = np.minimum(rng.poisson(_EXPERIENCE_MEAN, size=m), founder_age - 16)
    strat = (rng.uniform(size=(m, len(p.strat_probs))) < np.asarray(p.strat_probs)).astype(int)
    none_yes = strat.sum(axis=1) == 0
    forced = rng.integers(0, strat.shape[1], size=m)
    strat[none_yes, forced[none_yes]] = 1
    shared = {name: (rng.uniform(size=n) < expit(a + b * link)).astype(int)[dyad_of]
              for name, a, b in (("CONTRACT", -0.3, -0.8), ("JOINT_BRAND", -1.0, 0.6),
                                 ("SHARED_PREMISES", -1.2, 0.5), ("JOINT_BIDS", -0.5, 0.3))}
    lang_fr = rng.uniform(size=n) < p.lang_fr_share
    same_sector = rng.uniform(size=n) < 0.5
    sector_draw = rng.integers(0, 10_000, size=m)
    sector_draw[role_b & same_sector[dyad_of]] = sector_draw[~role_b & same_sector[dyad_of]]
    resource_u = rng.uniform(size=(m, 6))
    resource_count = 1 + rng.binomial(2, expit(d.latent.get("SAT", np.zeros(m)) * 0.8) * 0.5 + 0.1)
    # the language as text only at assembly (the power analysis's arrays do not read it)
    d.extra = {"sector_draw": sector_draw, "resource_u": resource_u, "resource_count": resource_count,
               "lang_fr": lang_fr[dyad_of]}
    d.facts = {
        "EMPLOYEES": employees,
        "FOUNDING_YEAR": founding, "FIRST_ORDER_YEAR": first_order, "STARTUP_AT_ALLIANCE": startup.astype(int),
        "ALLIANCE_START_YEAR": alliance_year, **shared, "FOUNDER_AGE": founder_age,
        "FOUNDER_EXPERIENCE": experience,
    }
    for j in range(strat.shape[1]):
        d.facts[f"STRAT_{j + 1}"] = strat[:, j]


def _draw_outcome(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator) -> None:
    """Steps 8-9: the true probability of crossing, the latent crossing, break-even and its year, and the
    AWARE/TRANSF latents conditioned so that the definition of crossing recovers it."""
    m, dyad_of, startup, facts = d.m, d.dyad_of, d.startup, d.facts
    controls = _control_reference()
    log_or = np.log([p.odds_ratios[c] for c in CONFIGURATIONS])
    d.intercept = float(logit(p.base_probability))
    alliance_year, founding = facts["ALLIANCE_START_YEAR"], facts["FOUNDING_YEAR"]
    eta = (
        d.intercept
        + log_or[d.config][dyad_of]
        + math.log(p.or_trust_shared) * d.trs[dyad_of]
        + math.log(p.or_trust_constrained) * d.trc[dyad_of]
        + math.log(p.or_firm_age) * ((alliance_year - founding) - controls["firm_age"])
        + math.log(p.or_employees) * (facts["EMPLOYEES"] - controls["EMPLOYEES"])
        + math.log(p.or_founder_experience) * (facts["FOUNDER_EXPERIENCE"] - controls["FOUNDER_EXPERIENCE"])
    )
    d.p_cross = np.where(startup, expit(eta), np.nan)
    u_cross = rng.uniform(size=m)
    d.crossed = np.where(startup, (u_cross < np.nan_to_num(d.p_cross)).astype(float), np.nan)
    is_crossed = d.crossed == 1
    u_be = rng.uniform(size=m)
    breakeven = np.where(startup, 0, (u_be < p.established_breakeven).astype(int))
    definition = p.crossed
    cut_codes = [c for c in ("AWARE", "TRANSF") if c in d.process_mean]
    d.cuts = {"AWARE": definition.aware_cut, "TRANSF": definition.transf_cut}
    # per firm: +1 = answers must reach the cut, -1 = must stay below it, 0 = free
    d.force = {code: np.zeros(m, dtype=int) for code in cut_codes}
    if definition.kind == "breakeven":
        breakeven = np.where(startup, is_crossed.astype(int), breakeven)
    else:
        breakeven = np.where(is_crossed, 1, breakeven)
        be_not_crossed = (startup & ~is_crossed) & (u_be < p.breakeven_if_not_crossed)
        breakeven = np.where(be_not_crossed, 1, breakeven)
        if len(cut_codes) == 2:
            _condition_on_crossing(p, lay, d, rng, is_crossed, be_not_crossed)
    d.breakeven = breakeven
    # start-ups broke even after the alliance began; established firms within three years of the first order
    be_span = np.where(startup, p.survey_year - alliance_year, 3)
    be_year = np.where(startup, alliance_year, facts["FIRST_ORDER_YEAR"]) + np.floor(
        rng.uniform(size=m) * (be_span + 1))
    be_year = np.minimum(be_year.astype(int), p.survey_year)
    d.facts["BREAKEVEN"] = breakeven
    d.facts["BREAKEVEN_YEAR"] = np.where(breakeven == 1, be_year, np.nan)


def _condition_on_crossing(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator,
                           is_crossed: np.ndarray, be_not_crossed: np.ndarray) -> None:
    """Step 9 (``sammut``): AWARE and TRANSF latents drawn from their truncated process distributions."""
    m = d.m
    ok_prob = {}
    pick = np.flatnonzero(be_not_crossed)  # the only firms whose pattern is used (one uniform drawn per firm)
    for code in ("AWARE", "TRANSF"):
        h = latent_cut(p, code, len(lay.items[code]), d.cuts[code], lay.scale_min, lay.scale_max)
        d.latent_cuts[code] = h
        ok_prob[code] = 1.0 - ndtr((h + p.cut_margin - d.process_mean[code][pick]) / p.process_resid_sd)
    pa, pt = ok_prob["AWARE"], ok_prob["TRANSF"]
    # not crossed but broke even: (A ok, T ok) given not both ok
    w = np.stack([(1 - pa) * (1 - pt), (1 - pa) * pt, pa * (1 - pt)], axis=1)
    w_sum = w.sum(axis=1, keepdims=True)
    w = np.where(w_sum > 0, w / np.where(w_sum > 0, w_sum, 1), 1 / 3)
    pattern = (rng.uniform(size=(m, 1))[pick] > np.cumsum(w, axis=1)).sum(axis=1)  # 0: both fail, 1: A, 2: T
    a_ok, t_ok = np.ones(m, dtype=bool), np.ones(m, dtype=bool)
    a_ok[pick], t_ok[pick] = pattern == 2, pattern == 1
    constrained = is_crossed | be_not_crossed
    for code, ok in (("AWARE", a_ok), ("TRANSF", t_ok)):
        h = d.latent_cuts[code]
        bound = np.where(ok, h + p.cut_margin, h - p.cut_margin)
        draw = _truncated_normal(rng, d.process_mean[code], p.process_resid_sd, bound, ok, constrained)
        d.latent[code] = np.where(constrained, draw, d.latent[code])
        d.force[code] = np.where(is_crossed, 1, np.where(be_not_crossed & ~ok, -1, 0))


def _draw_items(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator) -> None:
    """Step 6: each item's noise (the answers are cut from ``loading * latent + noise`` by
    :func:`_record_answers`)."""
    for code in lay.constructs:
        d.noise[code] = rng.standard_normal((d.m, len(lay.items[code])))


def _remove_missing(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator,
                    replicates: int = 1) -> dict[str, np.ndarray]:
    """Step 10a: the draws that make careful respondents' answers missing (MCAR or MAR on founder age), applied
    by :func:`_record_answers`; returns the uniforms that later decide which missing answers are recorded as the
    declared "don't know" code. Under MAR founder age is standardised within each data set: the ``replicates``
    consecutive blocks of respondents (one for :func:`simulate_alliances`; the power analysis's batches of
    :mod:`alliance_stats.simulate.batch` hold several)."""
    m = d.m
    d.missing_u = {code: rng.uniform(size=(m, len(lay.items[code]))) for code in lay.constructs}
    # the last draws of this stream: not drawn when no missing answer becomes "don't know" (the same data)
    dont_know_u = ({code: rng.uniform(size=(m, len(lay.items[code]))) for code in lay.constructs}
                   if p.dont_know_share > 0 else {})
    if p.missing_mechanism == "MAR":
        founder_age = d.facts["FOUNDER_AGE"].reshape(replicates, -1)
        spread = founder_age.std(axis=1, keepdims=True)
        z_age = ((founder_age - founder_age.mean(axis=1, keepdims=True))
                 / np.where(spread > 0, spread, 1.0)).ravel()
        d.p_missing = expit(logit(p.missing_rate) + p.mar_strength * z_age) if p.missing_rate > 0 else np.zeros(m)
    else:
        d.p_missing = np.full(m, float(p.missing_rate))
    return dont_know_u


def _record_answers(p: SimulationParams, lay: _Layout, d: _Draw) -> None:
    """Steps 6, 9b and the recording: each item's answer cut from ``loading * latent + error`` into the response
    scale (keyed), removed where missing, a firm's keyed answers moved one point at a time until the definition
    of crossing recovers its latent crossing (``d.force``), reverse-keyed items written reversed
    (:func:`~alliance_stats.simulate.kernels.construct_answers`); attention items answered as instructed. The
    answers to the Likert and attention items are the rows of one array (``d.recorded``, questionnaire order),
    which the screening step changes in place."""
    from alliance_stats.simulate.kernels import construct_answers

    row = {name: j for j, name in enumerate(lay.likert_all)}
    d.recorded = np.empty((len(lay.likert_all), d.m))
    written = {name for code in lay.constructs for name in lay.items[code]} | {name for name, _ in lay.attention}
    for name in set(row) - written:  # (none with a loaded instrument: every Likert variable is one or the other)
        d.recorded[row[name]] = np.nan
    thresholds = _thresholds(p, lay.n_options)
    for code in lay.constructs:
        force = (d.force[code], d.cuts[code]) if code in d.force else None
        construct_answers(d.noise[code], d.latent[code],
                          (p.loading_of(code), math.sqrt(p.residual_variance_of(code)), thresholds),
                          (d.missing_u[code], d.p_missing), force, (lay.scale_min, lay.scale_max),
                          (lay.reverse[code], np.array([row[name] for name in lay.items[code]])), d.recorded)
    d.noise, d.missing_u = {}, {}
    for name, expected in lay.attention:
        if name in row:
            d.recorded[row[name]] = float(expected)
        else:  # not screened
            d.answers[name] = np.full(d.m, float(expected))
    for name, j in row.items():
        d.answers[name] = d.recorded[j]


def _screen(p: SimulationParams, lay: _Layout, d: _Draw, rng: np.random.Generator,
            dont_know_u: dict[str, np.ndarray]) -> None:
    """Step 10b: careless respondents (straight-lining, random) and "don't know" codes on missing answers."""
    from alliance_stats.simulate.kernels import careless_answers

    m = d.m
    u_careless = rng.uniform(size=m)
    straight_value = rng.integers(lay.scale_min, lay.scale_max + 1, size=m)
    random_values = rng.integers(lay.scale_min, lay.scale_max + 1, size=(m, len(lay.likert_all)))
    # every answer of a careless respondent replaced
    d.careless = careless_answers(u_careless, (p.straightliner_share, p.random_share), straight_value,
                                  random_values, d.recorded)
    if p.dont_know_share > 0:
        for code in lay.constructs:
            for j, name in enumerate(lay.items[code]):
                miss_code = lay.missing_code.get(name)
                if miss_code is None:
                    continue
                dk = np.isnan(d.answers[name]) & (dont_know_u[code][:, j] < p.dont_know_share)
                d.answers[name] = np.where(dk, float(miss_code), d.answers[name])


def _identifiers(d: _Draw) -> dict[str, Any]:
    """Fake identifiers (``R0001``, ``D0001``, ``Firme 0001``, ...) and roles."""
    m, n = d.m, d.n
    width = max(4, len(str(m)))
    number = np.arange(1, m + 1)
    return {
        "resp_id": _fake_ids("R", m, width),
        "dyad_id": _fake_ids("D", n, max(4, len(str(n))))[d.dyad_of],
        "role": np.where(d.role_b, "b", "a").astype(object),
        "FIRM_NAME": np.array([f"Firme {i:0{width}d}" for i in number], dtype=object),
        "RESP_NAME": np.array([f"Répondant {i:0{width}d}" for i in number], dtype=object),
        "RESP_EMAIL": np.array([f"r{i:0{width}d}@example.org" for i in number], dtype=object),
    }


def _truth(p: SimulationParams, lay: _Layout, d: _Draw, seq: np.random.SeedSequence, ids: dict[str, Any]) -> Truth:
    """What the simulator knows (the dyads' and firms' latent values, the outcome model)."""
    config_names = np.array(CONFIGURATIONS, dtype=object)
    dyad_ids = _fake_ids("D", d.n, max(4, len(str(d.n))))
    dyads = pd.DataFrame({
        "dyad_id": dyad_ids, "configuration": config_names[d.config], "quadrant": config_names[d.quadrant],
        "link": d.link, "symmetry": d.sym, "trust_shared": d.trs, "trust_constrained": d.trc,
        "dep_gap": d.dep_gap, "both_startup": d.both_startup.astype(int),
        "more_dependent": np.where(d.more_dep_b, "b", "a"),
    })
    firms = pd.DataFrame({
        "resp_id": ids["resp_id"], "dyad_id": ids["dyad_id"], "role": np.where(d.role_b, "b", "a"),
        "startup": d.startup.astype(int), "careless": _CARELESS[d.careless], "p_cross": d.p_cross, "crossed": d.crossed,
        "breakeven": d.breakeven, **{code: d.latent[code] for code in lay.constructs},
    })
    c_off = p.centre_offset()
    centres = {name: (float(_SIGNS[i, 0] * c_off), float(_SIGNS[i, 1] * c_off))
               for i, name in enumerate(CONFIGURATIONS)}
    return Truth(
        params=p, seed=int(seq.entropy) if not seq.spawn_key and isinstance(seq.entropy, int) else None,
        spawn_key=tuple(int(k) for k in seq.spawn_key), n_dyads=d.n, dyads=dyads, firms=firms,
        configuration_centres=centres, intercept=d.intercept, control_reference=_control_reference(),
        latent_cuts=dict(d.latent_cuts),
    )


#: Most dyads one call simulates (half a million respondents; 100,000 dyads peak at 0.85 GB of memory, so this
#: stays near 2 GB); a larger request is refused before any work instead of failing on an allocation of tens of GB.
MAX_DYADS = 250_000


def simulate_alliances(
    n_dyads: int,
    params: SimulationParams | None = None,
    seed: int | np.random.SeedSequence = DEFAULT_SEED,
    instrument: Instrument | None = None,
) -> Simulated:
    """Simulate the answers of both leaders of ``n_dyads`` alliances, with known truth.

    The phases follow the generative model of the module docstring: population (configurations and axes),
    dyads and roles (trust, start-up status, dependence, latent scores), firm facts, outcome, items, missing
    answers, the fix that makes the definition of crossing recover the latent outcome, screening (careless
    respondents, "don't know" codes), then assembly with the instrument's skip logic. Each phase draws from its
    own random stream (module docstring, "Randomness").

    Parameters
    ----------
    n_dyads
        Number of alliances (dyads); each gives two respondents (roles ``a`` and ``b``).
    params
        :class:`SimulationParams`; default ``SimulationParams()``.
    seed
        Non-negative integer or a ``numpy.random.SeedSequence`` (e.g. a spawned child in a power analysis).
        Same seed, same output. Default :data:`alliance_stats.core.constants.DEFAULT_SEED` (the bundled
        demo data were drawn with ``seed=7``, passed explicitly by ``alliance-stats simulate --seed 7``).
    instrument
        The instrument whose variables are produced (one column each); default the project's instrument.

    Returns
    -------
    Simulated
        ``.responses``: one row per respondent in the canonical layout of
        :func:`alliance_stats.data.read_responses` (instrument variables in questionnaire order; numeric codes
        as ``float64`` with NaN for a missing answer; text codes, multiple choices (codes separated by a
        space) and identifiers as strings; the identifiers are the fake names described above);
        ``.truth``: :class:`Truth`.

    Raises
    ------
    SpecificationError
        ``n_dyads`` not a positive integer or above :data:`MAX_DYADS`, or a bad seed.

    References
    ----------
    The generative model in the module docstring; Jaouen's typology (docs/theory.md section 5); Sammut (1995);
    Meade & Craig (2012) for the careless-responding patterns.

    Examples
    --------
    >>> sim = simulate_alliances(10, seed=7)
    >>> sim.responses.shape[0], sim.truth.dyads.shape[0]
    (20, 10)
    >>> bool((sim.responses["EMPLOYEES"] <= 10).all())
    True
    """
    if isinstance(n_dyads, bool) or not isinstance(n_dyads, int | np.integer) or n_dyads < 1:
        raise SpecificationError(f"n_dyads must be a positive integer, got {n_dyads!r}", value=n_dyads)
    if n_dyads > MAX_DYADS:
        raise SpecificationError(f"n_dyads {n_dyads:,} is above the {MAX_DYADS:,} dyads one simulation can hold in "
                                 "memory", value=int(n_dyads),
                                 fix=f"simulate at most {MAX_DYADS:,} dyads (several files with different seeds "
                                     "if you need more)")
    p = params if params is not None else SimulationParams()
    inst = instrument if instrument is not None else _default_instrument()
    lay = _layout(inst)
    seq = _seed_sequence(seed)
    d, facts_rng = _draw_phases(int(n_dyads), p, lay, seq)
    ids = _identifiers(d)
    responses = _assemble(inst, d, ids, facts_rng, p.survey_year)
    return Simulated(responses=responses, truth=_truth(p, lay, d, seq, ids))


def _draw_phases(n: int, p: SimulationParams, lay: _Layout, seq: np.random.SeedSequence, replicates: int = 1
                 ) -> tuple[_Draw, np.random.Generator]:
    """THE generative model (module docstring, steps 1-10) for one data set: every draw, in stream order.

    Returns the filled :class:`_Draw` (answers and facts as arrays, before identifiers, skip logic and
    assembly) and the facts stream, whose later draws the assembly uses. :func:`simulate_alliances` and the
    power analysis's :mod:`alliance_stats.simulate.batch` both call it, so they draw the same data for the
    same seed. Dyads are independent in the model, so ``replicates`` data sets of ``n / replicates`` dyads are
    drawn as ``n`` dyads cut into consecutive blocks; the one statistic of a whole data set, the standardised
    founder age of MAR missingness, is then taken per block (``replicates`` must divide ``n``).
    """
    streams = dict(zip(_STREAMS, (np.random.default_rng(s) for s in seq.spawn(len(_STREAMS))), strict=True))
    d = _Draw(n=n, dyad_of=np.repeat(np.arange(n), 2), role_b=np.tile([False, True], n))
    _draw_axes(p, d, streams["configuration"])
    _draw_roles_and_latents(p, lay, d, streams["latent"])
    _draw_facts(p, d, streams["facts"])
    _draw_outcome(p, lay, d, streams["outcome"])
    _draw_items(p, lay, d, streams["items"])
    dont_know_u = _remove_missing(p, lay, d, streams["missing"], replicates)
    _record_answers(p, lay, d)
    _screen(p, lay, d, streams["careless"], dont_know_u)
    return d, streams["facts"]


# ------------------------------------------------------------------------------------------ assembly


def _choice_codes(inst: Instrument, var: Any) -> list[str]:
    return [choice.code for choice in inst.choices[var.choices]] if var.choices else []


def _is_int_codes(codes: list[str]) -> bool:
    return bool(codes) and all(code.lstrip("-").isdigit() for code in codes)


def _generic_values(var: Any, inst: Instrument, m: int, rng: np.random.Generator, survey_year: int) -> np.ndarray:
    """Plausible answers for a variable the generative model does not know (kept for instrument changes)."""
    if var.type in ("binary", "category"):
        codes = _choice_codes(inst, var)
        return np.array(codes, dtype=object)[rng.integers(0, len(codes), size=m)]
    if var.type == "multi":
        codes = np.array(_choice_codes(inst, var), dtype=object)
        return np.array([" ".join(codes[rng.uniform(size=len(codes)) < 0.3][:3]) or codes[0] for _ in range(m)],
                        dtype=object)
    if var.type == "integer":
        low = var.min if var.min is not None else 0
        high = var.max if var.max is not None else low + 10
        return rng.integers(low, high + 1, size=m)
    if var.type == "year":
        low = var.min if var.min is not None else survey_year - 30
        return np.maximum(low, survey_year - rng.integers(0, 11, size=m))
    if var.type == "date":
        return np.array([f"{survey_year}-{1 + k % 12:02d}-15" for k in rng.integers(0, 12, size=m)], dtype=object)
    if var.type == "likert":
        scale = inst.scales[var.scale]
        return rng.integers(scale.min, scale.max + 1, size=m).astype(float)
    return np.full(m, np.nan, dtype=object)  # free text and unknown identifiers: unanswered


def _sector(var: Any, inst: Instrument, draw: np.ndarray) -> np.ndarray:
    codes = np.array(_choice_codes(inst, var), dtype=object)
    return codes[draw % len(codes)]


def _resources(var: Any, inst: Instrument, u: np.ndarray, count: np.ndarray) -> np.ndarray:
    codes = np.array(_choice_codes(inst, var), dtype=object)
    k = min(len(codes), u.shape[1])
    order = np.argsort(u[:, :k], axis=1)
    out = np.empty(u.shape[0], dtype=object)
    for i in range(u.shape[0]):
        picked = np.sort(order[i, : max(1, min(int(count[i]), k))])
        out[i] = " ".join(codes[picked])
    return out


def _condition_mask(cond: Any, inst: Instrument, frame: dict[str, Any], m: int,
                    memo: dict[int, np.ndarray] | None = None) -> np.ndarray:
    """Whether each respondent is shown a question with skip condition ``cond``: only where it is *true*.

    The condition is evaluated by the one skip-logic evaluator (:func:`alliance_stats.instrument.skiplogic.
    evaluate`, three-valued): where it is *unknown* (it depends on a missing answer) the question is not shown
    and stays unanswered, as a survey tool does not ask a question whose relevance it cannot establish.
    """
    return evaluate(cond, frame, m, inst, memo=memo) == TRUE


def _assemble(inst: Instrument, d: _Draw, ids: dict[str, Any], rng: np.random.Generator,
              survey_year: int) -> pd.DataFrame:
    """One column per instrument variable (questionnaire order), skip logic applied, canonical dtypes."""
    m = d.m
    facts = {**ids, "LANG": np.where(d.extra["lang_fr"], "fr", "en").astype(object), **d.facts}
    raw: dict[str, Any] = {}
    for var in inst.variables:
        if var.name in d.answers:
            raw[var.name] = d.answers[var.name]
        elif var.name in facts:
            raw[var.name] = facts[var.name]
        elif var.name == "SECTOR":
            raw[var.name] = _sector(var, inst, d.extra["sector_draw"])
        elif var.name == "SAT_RESOURCE":
            raw[var.name] = _resources(var, inst, d.extra["resource_u"], d.extra["resource_count"])
        else:
            raw[var.name] = _generic_values(var, inst, m, rng, survey_year)
    _apply_skip_logic(inst, raw, m)
    return _canonical_columns(inst, raw)


def _apply_skip_logic(inst: Instrument, raw: dict[str, Any], m: int, names: set[str] | None = None) -> None:
    """A question not shown (its own or its section's condition not *true*) is left unanswered (only the
    variables in ``names`` when given; a condition on a variable absent from ``raw`` raises ``KeyError``)."""
    section_of = {name: sec for sec in inst.sections for name in sec.variables}
    memo: dict[int, np.ndarray] = {}
    for var in inst.variables:
        conditions = [c for c in (var.show_if, getattr(section_of.get(var.name), "show_if", None)) if c is not None]
        if var.name in ("resp_id", "dyad_id", "role") or (names is not None and var.name not in names):
            continue
        for cond in conditions:
            shown = _condition_mask(cond, inst, raw, m, memo)
            if not shown.all():
                values = np.asarray(raw[var.name], dtype=object if var.type in ("multi", "text", "identifier",
                                                                                 "category") else float)
                values = values.copy()
                values[~shown] = np.nan if values.dtype == float else None
                raw[var.name] = values


def _canonical_columns(inst: Instrument, raw: dict[str, Any]) -> pd.DataFrame:
    """Numeric codes as float64 (NaN missing), text codes and identifiers as strings."""
    columns: dict[str, Any] = {}
    for var in inst.variables:
        values = raw[var.name]
        if var.type in ("likert", "binary", "integer", "year") or (
            var.type == "category" and _is_int_codes(_choice_codes(inst, var))
        ):
            arr = np.asarray(values)
            if arr.dtype.kind in "biuf":
                numeric = arr.astype(float)
            else:
                numeric = pd.to_numeric(pd.Series(arr, dtype=object), errors="coerce").to_numpy(dtype=float)
            columns[var.name] = numeric
        else:
            columns[var.name] = pd.array(np.asarray(values, dtype=object), dtype="str")
    return pd.DataFrame(columns)
