"""The French/English catalogue, one module per area (merged by :mod:`alliance_stats.core.i18n`).

Each module defines ``LABELS: dict[str, dict[str, str]]`` (key -> ``{"fr": ..., "en": ...}``); keys are unique
across modules. Text with placeholders uses ``str.format`` names (``{n}``), filled by the caller.
"""
