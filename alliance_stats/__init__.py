"""alliance-stats: test a typology of strategic alliances between very small firms in their start-up phase.

Stages, one sub-package each (docs/design.md section 6): ``instrument`` (the survey), ``data`` (responses in),
``measurement`` (scale validation), ``typology`` (the four configurations), ``models`` (crossing the
start-up phase), ``simulate`` (synthetic alliances and power), ``report`` (tables, figures, rendering).
``plan`` chains them; ``cli`` is the command line.
"""

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata when first asked for (PEP 562), so that the
    command line does not import :mod:`importlib.metadata` to start (a fifth of ``alliance-stats --help``).
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("alliance-stats")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installation
        value = "0.0.0+unknown"
    globals()["__version__"] = value
    return value
