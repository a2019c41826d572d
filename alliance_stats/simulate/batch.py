"""Many simulated data sets as arrays with a replicate axis (for the power analysis).

:func:`simulate_arrays` draws ``R`` data sets of the generative model of :mod:`alliance_stats.simulate.simulator`
and returns the numeric answers and facts the analysis stages read, as ``(R, 2 * n_dyads)`` float arrays,
instead of ``R`` response tables. Each data set is drawn by the simulator's own
:func:`~alliance_stats.simulate.simulator._draw_phases` from its own seed, so replicate ``r`` holds exactly the
values of ``simulate_alliances(n_dyads, params, seed=seeds[r]).responses`` (same seed, same draws, the same
skip logic); what is skipped is what the power analysis does not read: identifiers, text answers, the truth
tables and the building of a DataFrame (about two thirds of a 200-dyad simulation).

Respondent ``k`` of every replicate belongs to dyad ``k // 2`` and has role ``b`` when ``k`` is odd (the
simulator's order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from alliance_stats.core.errors import SpecificationError
from alliance_stats.simulate.simulator import (
    MAX_DYADS,
    SimulationParams,
    _apply_skip_logic,
    _default_instrument,
    _draw_phases,
    _layout,
    _sector,
    _seed_sequence,
    simulate_alliances,
)

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument

__all__ = ["SimulatedArrays", "simulate_arrays"]


@dataclass(frozen=True)
class SimulatedArrays:
    """Output of :func:`simulate_arrays`.

    Attributes
    ----------
    n_dyads
        Dyads per data set (each gives two respondents).
    values
        Variable name -> ``(R, 2 * n_dyads)`` float array (NaN = unanswered), for every Likert item, attention
        item and numeric fact the generative model produces.
    """

    n_dyads: int
    values: dict[str, np.ndarray]

    @property
    def reps(self) -> int:
        """Number of data sets ``R``."""
        return next(iter(self.values.values())).shape[0]


def _condition_variables(condition: Any, instrument: Instrument, out: set[str]) -> None:
    """Every variable a skip condition reads (named conditions followed)."""
    from alliance_stats.instrument.model import AllOf, AnyOf, Condition, ConditionRef, NotOf

    if isinstance(condition, ConditionRef):
        _condition_variables(instrument.conditions[condition.ref], instrument, out)
    elif isinstance(condition, AllOf | AnyOf):
        for part in (condition.all if isinstance(condition, AllOf) else condition.any):
            _condition_variables(part, instrument, out)
    elif isinstance(condition, NotOf):
        _condition_variables(condition.not_, instrument, out)
    elif isinstance(condition, Condition):
        out.add(condition.variable)


def _read_by_conditions(instrument: Instrument, names: Iterable[str]) -> set[str]:
    section_of = {name: sec for sec in instrument.sections for name in sec.variables}
    out: set[str] = set()
    for name in names:
        var = instrument.variable(name)
        for cond in (var.show_if, getattr(section_of.get(name), "show_if", None)):
            if cond is not None:
                _condition_variables(cond, instrument, out)
    return out


def _numeric_codes(parts: Iterable[np.ndarray]) -> np.ndarray:
    """Choice codes drawn as text, as numbers where every code is an integer (else the text)."""
    codes = np.concatenate(list(parts))
    try:
        return np.array([float(code) for code in codes])
    except (TypeError, ValueError):
        return codes


def _numeric(values: Any) -> np.ndarray | None:
    arr = np.asarray(values)
    return arr.astype(float) if arr.dtype.kind in "biuf" else None


def simulate_arrays(n_dyads: int, params: SimulationParams | None, seeds: Sequence[np.random.SeedSequence | int],
                    instrument: Instrument | None = None) -> SimulatedArrays:
    """Simulate one data set per seed and return their numeric answers and facts with a replicate axis.

    Parameters
    ----------
    n_dyads
        Dyads per data set.
    params
        :class:`~alliance_stats.simulate.SimulationParams` (default ``SimulationParams()``).
    seeds
        One seed (int or ``SeedSequence``) per data set.
    instrument
        The instrument (default the project's).

    Returns
    -------
    SimulatedArrays
        ``values[name][r]`` equals ``simulate_alliances(n_dyads, params, seeds[r], instrument).responses[name]``
        for every numeric variable (Likert items, attention items, numeric facts), NaN where unanswered.

    Raises
    ------
    SpecificationError
        ``n_dyads`` not a positive integer or above the simulator's limit, no seed, or a bad seed.

    References
    ----------
    The generative model of :mod:`alliance_stats.simulate.simulator`; Morris, White & Crowther (2019),
    Statistics in Medicine 38, 2074-2102 (independent streams per replicate of a simulation study).

    Examples
    --------
    >>> from alliance_stats.simulate import simulate_alliances
    >>> arrays = simulate_arrays(20, None, [3, 4])
    >>> arrays.values["EMPLOYEES"].shape
    (2, 40)
    >>> one = simulate_alliances(20, seed=4).responses
    >>> bool(np.array_equal(arrays.values["LINK_1"][1], one["LINK_1"].to_numpy(), equal_nan=True))
    True
    """
    if isinstance(n_dyads, bool) or not isinstance(n_dyads, int | np.integer) or not 1 <= n_dyads <= MAX_DYADS:
        raise SpecificationError(f"n_dyads must be an integer from 1 to {MAX_DYADS:,}, got {n_dyads!r}",
                                 value=n_dyads)
    if len(seeds) == 0:
        raise SpecificationError("simulate_arrays needs at least one seed")
    p = params if params is not None else SimulationParams()
    inst = instrument if instrument is not None else _default_instrument()
    lay = _layout(inst)
    n = int(n_dyads)
    draws = [_draw_phases(n, p, lay, _seed_sequence(seed))[0] for seed in seeds]
    first = draws[0]
    names = [name for name in first.answers] + [name for name, v in first.facts.items()
                                                 if _numeric(v) is not None and name in inst.variable_names()]
    names = [name for name in names if name in inst.variable_names()]
    raw = {name: np.concatenate([np.asarray(d.answers[name] if name in d.answers else d.facts[name], dtype=float)
                                 for d in draws]) for name in names}
    if "SECTOR" in inst.variable_names() and "SECTOR" not in raw:  # drawn with the facts, coded at assembly
        sector = _numeric(_numeric_codes(_sector(inst.variable("SECTOR"), inst, d.extra["sector_draw"])
                                         for d in draws))
        if sector is not None:
            raw["SECTOR"] = sector
            names.append("SECTOR")
    available = set(names)
    if not _read_by_conditions(inst, names) <= available:
        # a skip condition reads a variable drawn only at assembly (text, multiple choice): take the columns
        # from the full simulation of each seed (same draws, slower)
        frames = [simulate_alliances(n, p, seed=seed, instrument=inst).responses for seed in seeds]
        return SimulatedArrays(n_dyads=n, values={name: np.stack([f[name].to_numpy(dtype=float) for f in frames])
                                                  for name in names})
    _apply_skip_logic(inst, raw, len(draws) * 2 * n, available)
    return SimulatedArrays(n_dyads=n, values={name: np.asarray(raw[name], dtype=float).reshape(len(draws), 2 * n)
                                              for name in names})
