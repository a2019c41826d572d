"""core: the bottom layer, imported by every stage and importing nothing else of the package.

- :mod:`~alliance_stats.core.errors`: typed errors (user mistakes) and warning categories (statistical trouble);
- :mod:`~alliance_stats.core.i18n`: the one French/English catalogue, ``tr`` and number formatting;
- :mod:`~alliance_stats.core.table`: the :class:`Table` every stage hands to the report;
- :mod:`~alliance_stats.core.results`: the result protocol (frozen dataclass, ``warnings``, ``to_tables``,
  ``to_dict``) and the one warning helper;
- :mod:`~alliance_stats.core.constants`: thresholds and defaults shared by several stages (seed, EPV, ...);
- :mod:`~alliance_stats.core.typology`: the 2 x 2 typology's axes, configurations and labels;
- :mod:`~alliance_stats.core.schema`: the strict pydantic bases of plans and instruments;
- :mod:`~alliance_stats.core.yamlio`: the strict YAML reader (line numbers, no aliases, no tags);
- :mod:`~alliance_stats.core.lazy`: lazy public names for stage packages (fast imports).
"""
