"""alliance-stats: test a typology of strategic alliances between very small firms in their start-up phase.

Stages, one sub-package each (docs/design.md section 6): ``instrument`` (the survey), ``data`` (responses in),
``measurement`` (scale validation), ``typology`` (the four configurations), ``models`` (crossing the
start-up phase), ``simulate`` (synthetic alliances and power), ``report`` (tables, figures, rendering).
``plan`` chains them; ``cli`` is the command line.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("alliance-stats")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installation
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
