"""Every example in the package's docstrings runs and prints what it says (pingouin-style docs stay true)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import alliance_stats

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(alliance_stats.__path__, prefix="alliance_stats.")
    if not name.endswith("__main__")
)

#: Modules whose examples take more than about 5 s (a whole cluster_check): left out of `make test-fast`.
SLOW = {"alliance_stats.typology.cluster.api"}


@pytest.mark.parametrize("name", [pytest.param(m, marks=pytest.mark.slow) if m in SLOW else m for m in MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
