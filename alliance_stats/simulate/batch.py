"""Many simulated data sets as arrays with a replicate axis (for the power analysis).

Two ways to draw ``R`` data sets of ``N`` dyads from the generative model of
:mod:`alliance_stats.simulate.simulator`, both returning the numeric answers and facts the analysis stages
read as ``(R, 2N)`` float arrays (:class:`SimulatedArrays`) instead of ``R`` response tables:

- :func:`simulate_batch` (the power analysis's, issue 17): the ``R`` data sets from **one** random stream.
  Dyads are independent in the generative model, so the batch is one draw of ``R * N`` dyads by the
  simulator's own :func:`~alliance_stats.simulate.simulator._draw_phases`, cut into ``R`` blocks of ``N``
  consecutive dyads (the founder age of MAR missingness standardised per block, as in one data set). Each
  block has the distribution of ``simulate_alliances(N, params)``; with ``R = 1`` it *is*
  ``simulate_alliances(N, params, seed)``, and :func:`batch_responses` assembles the same draw as ``R``
  response tables. The per-call overhead of the simulator (seven generators, a hundred small array
  operations) is paid once per batch instead of once per data set.
- :func:`simulate_arrays`: one data set per seed, replicate ``r`` holding exactly the values of
  ``simulate_alliances(N, params, seed=seeds[r]).responses`` (the power analysis's streams until issue 17,
  kept as the reference of the equal-in-distribution test, tests/power/test_distribution.py).

Both skip what the power analysis does not read: identifiers, text answers, the truth tables and the building
of a DataFrame (about two thirds of a 200-dyad simulation).

Respondent ``k`` of every replicate belongs to dyad ``k // 2`` and has role ``b`` when ``k`` is odd (the
simulator's order).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.simulate.simulator import (
    MAX_DYADS,
    SimulationParams,
    _apply_skip_logic,
    _assemble,
    _choice_codes,
    _default_instrument,
    _draw_phases,
    _identifiers,
    _layout,
    _seed_sequence,
    simulate_alliances,
)

if TYPE_CHECKING:
    from alliance_stats.instrument import Instrument
    from alliance_stats.simulate.simulator import _Draw

__all__ = ["SimulatedArrays", "batch_responses", "simulate_arrays", "simulate_batch"]


@dataclass(frozen=True)
class SimulatedArrays:
    """Output of :func:`simulate_batch` and :func:`simulate_arrays`.

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


#: :func:`_read_by_conditions` of this process, by instrument (kept alive by the entry) and variables.
_READ: dict[tuple[int, tuple[str, ...]], tuple[Any, frozenset[str]]] = {}


def _read_by_conditions(instrument: Instrument, names: Iterable[str]) -> frozenset[str]:
    """Every variable the skip conditions of ``names`` (or of their sections) read (computed once per
    instrument and list of names: the instrument is not modified once loaded)."""
    key = (id(instrument), tuple(names))
    if key not in _READ or _READ[key][0] is not instrument:
        _READ[key] = (instrument, frozenset(_conditions_read(instrument, key[1])))
    return _READ[key][1]


def _conditions_read(instrument: Instrument, names: Iterable[str]) -> set[str]:
    section_of = {name: sec for sec in instrument.sections for name in sec.variables}
    variables = {var.name: var for var in instrument.variables}
    out: set[str] = set()
    for name in names:
        var = variables[name]
        for cond in (var.show_if, getattr(section_of.get(name), "show_if", None)):
            if cond is not None:
                _condition_variables(cond, instrument, out)
    return out


def _numeric_codes(codes: Sequence[str], draws: Iterable[np.ndarray]) -> np.ndarray | None:
    """The choice codes drawn (``codes[draw % len(codes)]``, as the assembly draws them) as numbers, where every
    code drawn is a number (``float`` of each code, converted once per code instead of once per answer); else
    ``None`` (text codes)."""
    numbers = np.full(len(codes), np.nan)
    numeric = np.zeros(len(codes), dtype=bool)
    for k, code in enumerate(codes):
        try:
            numbers[k], numeric[k] = float(code), True
        except (TypeError, ValueError):
            continue
    picked = np.concatenate([np.asarray(draw) % len(codes) for draw in draws])
    return numbers[picked] if numeric[picked].all() else None


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
    n = _check_size(n_dyads, 1)
    if len(seeds) == 0:
        raise SpecificationError("simulate_arrays needs at least one seed")
    p = params if params is not None else SimulationParams()
    inst = instrument if instrument is not None else _default_instrument()
    draws = [_draw_phases(n, p, _layout(inst), _seed_sequence(seed))[0] for seed in seeds]
    return _arrays(inst, draws, n, len(draws),
                   lambda: [simulate_alliances(n, p, seed=seed, instrument=inst).responses for seed in seeds])


def _check_size(n_dyads: int, reps: int) -> int:
    """``n_dyads`` as an int, refused unless ``reps`` data sets of that size fit in one simulation."""
    if isinstance(n_dyads, bool) or not isinstance(n_dyads, int | np.integer) or not 1 <= n_dyads <= MAX_DYADS:
        raise SpecificationError(f"n_dyads must be an integer from 1 to {MAX_DYADS:,}, got {n_dyads!r}",
                                 value=n_dyads)
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer) or reps < 1:
        raise SpecificationError(f"the number of data sets must be a positive integer, got {reps!r}", value=reps)
    if int(n_dyads) * int(reps) > MAX_DYADS:
        raise SpecificationError(f"{reps:,} data sets of {n_dyads:,} dyads are more than the {MAX_DYADS:,} dyads "
                                 "one batch can hold", value=int(n_dyads) * int(reps),
                                 fix="draw fewer data sets per batch (a smaller chunk_size)")
    return int(n_dyads)


def _arrays(inst: Instrument, draws: list[_Draw], n: int, reps: int, frames: Any) -> SimulatedArrays:
    """The numeric columns of ``draws`` (concatenated, skip logic applied) as ``(reps, 2n)`` arrays;
    ``frames()`` gives the ``reps`` response tables when a skip condition reads a variable drawn only at
    assembly (text, multiple choice)."""
    first = draws[0]
    known = set(inst.variable_names())
    names = [name for name in first.answers] + [name for name, v in first.facts.items()
                                                 if np.asarray(v).dtype.kind in "biuf" and name in known]
    names = [name for name in names if name in known]

    def column(name: str) -> np.ndarray:  # one draw: its array itself (the draw is not used again)
        parts = [np.asarray(d.answers[name] if name in d.answers else d.facts[name], dtype=float) for d in draws]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    raw = {name: column(name) for name in names}
    if "SECTOR" in known and "SECTOR" not in raw:  # drawn with the facts, coded at assembly
        codes = _choice_codes(inst, inst.variable("SECTOR"))
        sector = _numeric_codes(codes, (d.extra["sector_draw"] for d in draws)) if codes else None
        if sector is not None:
            raw["SECTOR"] = sector
            names.append("SECTOR")
    available = set(names)
    if not _read_by_conditions(inst, names) <= available:
        tables = frames()  # same draws, slower
        return SimulatedArrays(n_dyads=n, values={name: np.stack([f[name].to_numpy(dtype=float) for f in tables])
                                                  for name in names})
    _apply_skip_logic(inst, raw, reps * 2 * n, available)
    return SimulatedArrays(n_dyads=n, values={name: np.asarray(raw[name], dtype=float).reshape(reps, 2 * n)
                                              for name in names})


def simulate_batch(n_dyads: int, params: SimulationParams | None, reps: int,
                   seed: np.random.SeedSequence | int, instrument: Instrument | None = None) -> SimulatedArrays:
    """Simulate ``reps`` data sets of ``n_dyads`` dyads from one random stream, with a replicate axis.

    Parameters
    ----------
    n_dyads
        Dyads per data set.
    params
        :class:`~alliance_stats.simulate.SimulationParams` (default ``SimulationParams()``).
    reps
        Number of data sets ``R`` (``R * n_dyads`` at most the simulator's limit).
    seed
        One seed (int or ``SeedSequence``) for the whole batch.
    instrument
        The instrument (default the project's).

    Returns
    -------
    SimulatedArrays
        ``values[name][r]`` equals ``batch_responses(n_dyads, params, reps, seed, instrument)[r][name]`` for
        every numeric variable (Likert items, attention items, numeric facts), NaN where unanswered; with
        ``reps=1``, the columns of ``simulate_alliances(n_dyads, params, seed, instrument).responses``.

    Raises
    ------
    SpecificationError
        ``n_dyads`` or ``reps`` not a positive integer, a batch above the simulator's limit, or a bad seed.

    References
    ----------
    The generative model of :mod:`alliance_stats.simulate.simulator`; Morris, White & Crowther (2019),
    Statistics in Medicine 38, 2074-2102 (the random streams of a simulation study).

    Examples
    --------
    >>> from alliance_stats.simulate import simulate_alliances
    >>> arrays = simulate_batch(20, None, 3, seed=5)
    >>> arrays.values["EMPLOYEES"].shape
    (3, 40)
    >>> one = simulate_alliances(20, seed=5).responses
    >>> bool(np.array_equal(simulate_batch(20, None, 1, seed=5).values["LINK_1"][0], one["LINK_1"].to_numpy(),
    ...                     equal_nan=True))
    True
    """
    n = _check_size(n_dyads, reps)
    p = params if params is not None else SimulationParams()
    inst = instrument if instrument is not None else _default_instrument()
    draw = _draw_phases(n * int(reps), p, _layout(inst), _seed_sequence(seed), int(reps))[0]
    return _arrays(inst, [draw], n, int(reps), lambda: batch_responses(n, p, reps, seed, inst))


def batch_responses(n_dyads: int, params: SimulationParams | None, reps: int,
                    seed: np.random.SeedSequence | int, instrument: Instrument | None = None) -> list[pd.DataFrame]:
    """The data sets of :func:`simulate_batch` as response tables (every variable, identifiers per data set).

    Parameters
    ----------
    n_dyads, params, reps, seed, instrument
        As :func:`simulate_batch`.

    Returns
    -------
    list of pandas.DataFrame
        ``reps`` tables in the layout of ``simulate_alliances(n_dyads).responses`` (identifiers numbered from 1 in
        each); table ``r`` holds dyads ``r * n_dyads`` to ``(r + 1) * n_dyads - 1`` of the batch's draw.
        With ``reps=1`` the one table equals ``simulate_alliances(n_dyads, params, seed, instrument).responses``.

    Raises
    ------
    SpecificationError
        As :func:`simulate_batch`.

    References
    ----------
    The generative model of :mod:`alliance_stats.simulate.simulator`.

    Examples
    --------
    >>> tables = batch_responses(10, None, 2, seed=5)
    >>> len(tables), tables[1].shape[0], tables[1]["dyad_id"].iloc[-1]
    (2, 20, 'D0010')
    """
    n = _check_size(n_dyads, reps)
    p = params if params is not None else SimulationParams()
    inst = instrument if instrument is not None else _default_instrument()
    draw, facts_rng = _draw_phases(n * int(reps), p, _layout(inst), _seed_sequence(seed), int(reps))
    responses = _assemble(inst, draw, _identifiers(draw), facts_rng, p.survey_year)
    one = type(draw)(n=n, dyad_of=np.repeat(np.arange(n), 2), role_b=np.tile([False, True], n))
    ids = {name: pd.array(np.asarray(values, dtype=object), dtype="str")
           for name, values in _identifiers(one).items() if name in responses.columns}
    tables = []
    for r in range(int(reps)):
        part = responses.iloc[r * 2 * n:(r + 1) * 2 * n].reset_index(drop=True)
        for name, values in ids.items():
            part[name] = values
        tables.append(part)
    return tables
