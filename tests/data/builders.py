"""Small hand-made responses frames for the data-layer tests (valid by construction, raw personal data).

``valid_responses`` builds a canonical frame (the layout :func:`read_responses` returns, before
pseudonymisation) whose every rule of :func:`check_responses` passes: two partners per dyad with roles a/b,
TPE firms, first order after founding, at least one strategic criterion, items from a one-factor-per-construct
model on the 1-7 scale (reverse items reversed), the attention item answered as instructed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from alliance_stats.instrument import Instrument

FIRST_NAMES = ["Zoé", "Benoît", "Hélène", "François", "Maëlle", "Jérôme", "Cécile", "Noël", "Inès", "Loïc"]
LAST_NAMES = ["Lefèvre", "Gagné", "Bérubé", "Côté", "Lévesque", "Pagé", "Thériault", "Ménard"]


def valid_responses(instrument: Instrument, n_dyads: int = 40, seed: int = 3) -> pd.DataFrame:
    """A valid raw responses frame with ``2 * n_dyads`` rows (names and e-mails still in clear)."""
    rng = np.random.default_rng(seed)
    n = 2 * n_dyads
    cols: dict[str, object] = {}
    cols["resp_id"] = [f"R{i + 1:04d}" for i in range(n)]
    cols["LANG"] = rng.choice(["fr", "en"], size=n, p=[0.8, 0.2]).tolist()
    cols["dyad_id"] = [f"D{i // 2 + 1:03d}" for i in range(n)]
    cols["role"] = ["a" if i % 2 == 0 else "b" for i in range(n)]
    cols["EMPLOYEES"] = rng.integers(0, 11, size=n).astype(float)
    founding = rng.integers(2005, 2020, size=n)
    cols["FOUNDING_YEAR"] = founding.astype(float)
    first_order = founding + rng.integers(0, 3, size=n)
    cols["FIRST_ORDER_YEAR"] = first_order.astype(float)
    startup = rng.integers(0, 2, size=n)
    startup[0::2] = 1  # partner a of every dyad is in its start-up phase
    cols["STARTUP_AT_ALLIANCE"] = startup.astype(float)
    strat = rng.integers(0, 2, size=(n, 4))
    strat[:, 0] = np.where(strat.sum(axis=1) == 0, 1, strat[:, 0])
    for k in range(4):
        cols[f"STRAT_{k + 1}"] = strat[:, k].astype(float)
    alliance_start = np.repeat(np.maximum(founding[0::2], founding[1::2]) + rng.integers(0, 4, size=n_dyads), 2)
    cols["ALLIANCE_START_YEAR"] = alliance_start.astype(float)
    for name in ("CONTRACT", "JOINT_BRAND", "SHARED_PREMISES", "JOINT_BIDS"):
        cols[name] = np.repeat(rng.integers(0, 2, size=n_dyads), 2).astype(float)
    dyad_latent = np.repeat(rng.normal(size=(n_dyads, len(instrument.constructs))), 2, axis=0)
    latent = dyad_latent + 0.5 * rng.normal(size=dyad_latent.shape)
    codes = instrument.construct_codes()
    for var in instrument.variables:
        if var.is_item:
            scale = instrument.scales[var.scale or "agree7"]
            z = latent[:, codes.index(var.construct or "")] * (-1 if var.reverse else 1)
            x = np.rint(scale.midpoint + 1.3 * z + 0.8 * rng.normal(size=n))
            cols[var.name] = np.clip(x, scale.min, scale.max)
        elif var.attention_expected is not None:
            cols[var.name] = np.full(n, float(var.attention_expected))
    resources = [c.code for c in instrument.choices["resource"]]
    multi = []
    for _ in range(n):
        picked = [c for c in resources if rng.random() < 0.3]
        multi.append(" ".join(picked) if picked else np.nan)
    cols["SAT_RESOURCE"] = multi
    cols["SECTOR"] = rng.integers(1, 10, size=n).astype(float)
    cols["FOUNDER_AGE"] = rng.integers(22, 65, size=n).astype(float)
    cols["FOUNDER_EXPERIENCE"] = rng.integers(0, 20, size=n).astype(float)
    breakeven = rng.integers(0, 2, size=n)
    cols["BREAKEVEN"] = breakeven.astype(float)
    cols["BREAKEVEN_YEAR"] = np.where(breakeven == 1, first_order + rng.integers(1, 4, size=n), np.nan)
    first = rng.choice(FIRST_NAMES, size=n)
    last = rng.choice(LAST_NAMES, size=n)
    cols["FIRM_NAME"] = [f"{ln} & Fils SARL" for ln in last]
    cols["RESP_NAME"] = [f"{f} {ln}" for f, ln in zip(first, last, strict=True)]
    cols["RESP_EMAIL"] = [f"{f.lower()}.{i}@exemple.fr" for i, f in enumerate(first)]
    order = [v.name for v in instrument.variables if v.name in cols]
    frame = pd.DataFrame({name: cols[name] for name in order})
    for name in ("resp_id", "LANG", "dyad_id", "role", "SAT_RESOURCE", "FIRM_NAME", "RESP_NAME", "RESP_EMAIL"):
        frame[name] = frame[name].astype("str")
    return frame


KOBO_META = ["start", "end", "_id", "_uuid", "_submission_time", "_validation_status", "_index", "__version__"]


def to_kobo_csv(
    frame: pd.DataFrame, instrument: Instrument, *, values: str = "codes", headers: str = "names", lang: str = "fr"
) -> bytes:
    """The CSV KoboToolbox exports from our XLSForm: ``;``, UTF-8 with BOM, ``group/question`` headers, tool
    metadata, select_multiple as a summary column plus one 0/1 column per option.

    ``values="labels"`` writes answer labels in ``lang`` instead of codes; ``headers="labels"`` writes
    ``group label/question label`` headers (Kobo's "labels" export).
    """
    section_of = {name: sec for sec in instrument.sections for name in sec.variables}
    out: dict[str, list[str]] = {"start": [], "end": []}
    n = len(frame)
    out["start"] = ["2025-03-01T10:00:00.000+01:00"] * n
    out["end"] = ["2025-03-01T10:20:00.000+01:00"] * n

    def head(name: str, option: str | None = None) -> str:
        sec = section_of[name]
        var = instrument.variable(name)
        if headers == "labels":
            parts = [sec.title[lang], var.text[lang]]
            if option is not None:
                choice = next(c for c in instrument.choices[var.choices or ""] if c.code == option)
                parts.append(choice.label[lang])
        else:
            parts = [sec.id, name] + ([option] if option is not None else [])
        return "/".join(parts)

    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    for var in instrument.variables:
        if var.name not in frame.columns:
            continue
        column = frame[var.name].tolist()
        labels = instrument.value_labels(var.name)
        if var.type == "multi":
            order = [c.code for c in instrument.choices[var.choices or ""]]
            summary = []
            for value in column:
                text = cell(value)
                if values == "labels" and text:
                    text = " ".join(labels[c][lang] for c in text.split())
                summary.append(text)
            out[head(var.name)] = summary
            for code in order:
                out[head(var.name, code)] = [
                    "" if not cell(v) else ("1" if code in cell(v).split() else "0") for v in column
                ]
            continue
        texts = [cell(v) for v in column]
        if values == "labels" and labels and var.type in ("likert", "binary", "category"):
            texts = [labels[t][lang] if t in labels else t for t in texts]
        out[head(var.name)] = texts
    out["_id"] = [str(1000 + i) for i in range(n)]
    out["_uuid"] = [f"00000000-0000-4000-8000-{i:012d}" for i in range(n)]
    out["_submission_time"] = ["2025-03-01T09:20:00"] * n
    out["_validation_status"] = [""] * n
    out["_index"] = [str(i + 1) for i in range(n)]
    out["__version__"] = ["vAbCdEf"] * n
    kobo = pd.DataFrame(out)
    return kobo.to_csv(sep=";", index=False).encode("utf-8-sig")
