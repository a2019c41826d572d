"""Strict pydantic bases shared by the analysis plan, the power plan and the hypotheses.

``Strict`` refuses unknown keys (a misspelt plan key is an error, not a silently ignored option);
``FrozenStrict`` is also immutable; ``Bilingual`` is a text given in French and English.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A plan section: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class FrozenStrict(BaseModel):
    """A plan section that cannot change once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    """A text in both report languages."""

    fr: str
    en: str
