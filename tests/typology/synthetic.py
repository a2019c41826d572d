"""Known-truth dyad tables for the typology tests (numpy only; no dependence on the simulator).

Quadrant centres on the 1-7 scale sit 1.5 points from the midpoint (2.5 and 5.5), so with a spread of 0.5
the four configurations are separated by six standard deviations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CENTRES: dict[str, tuple[float, float]] = {
    "entraide": (5.5, 5.5),
    "parrainage": (5.5, 2.5),
    "survie": (2.5, 5.5),
    "contre_nature": (2.5, 2.5),
}


def _frame(points: np.ndarray, truth: list[str], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 10_000)
    order = rng.permutation(len(points))
    frame = pd.DataFrame(points[order].clip(1, 7), columns=["link", "symmetry"])
    frame["truth"] = np.asarray(truth, dtype=object)[order]
    frame.index = pd.Index([f"d{i:04d}" for i in range(len(frame))], name="dyad_id")
    return frame


def four_blobs(n: int = 200, spread: float = 0.5, seed: int = 1) -> pd.DataFrame:
    """n dyads in four Gaussian blobs at the quadrant centres (n / 4 each), column ``truth``."""
    rng = np.random.default_rng(seed)
    per = n // 4
    points = np.vstack([rng.normal(centre, spread, (per, 2)) for centre in CENTRES.values()])
    return _frame(points, [c for c in CENTRES for _ in range(per)], seed)


def three_blobs(n: int = 200, spread: float = 0.5, seed: int = 1) -> pd.DataFrame:
    """Three configurations only (no ``contre_nature``): the negative control "three clusters"."""
    rng = np.random.default_rng(seed)
    names = ["entraide", "parrainage", "survie"]
    per = n // 3
    points = np.vstack([rng.normal(CENTRES[c], spread, (per, 2)) for c in names])
    return _frame(points, [c for c in names for _ in range(per)], seed)


def unimodal_cloud(n: int = 200, spread: float = 1.0, seed: int = 1) -> pd.DataFrame:
    """One Gaussian cloud centred on the midpoint: the negative control "no cluster structure"."""
    rng = np.random.default_rng(seed)
    points = rng.normal((4.0, 4.0), spread, (n, 2))
    return _frame(points, ["none"] * n, seed)


def partner_scores(n: int = 120, seed: int = 1) -> pd.DataFrame:
    """Partner-level LINK and SYM scores (two rows per dyad, roles a/b) around four quadrant centres."""
    rng = np.random.default_rng(seed)
    per = n // 4
    rows = []
    for c, centre in enumerate(CENTRES.values()):
        dyad_centres = rng.normal(centre, 0.45, (per, 2))
        for i, (link, sym) in enumerate(dyad_centres):
            dyad = f"d{c}{i:03d}"
            for role in ("a", "b"):
                rows.append({"dyad_id": dyad, "role": role, "LINK": float(np.clip(link + rng.normal(0, 0.3), 1, 7)),
                             "SYM": float(np.clip(sym + rng.normal(0, 0.3), 1, 7)),
                             "DEP": float(rng.uniform(1, 7))})
    return pd.DataFrame(rows)


def dyads_from_partners(partners: pd.DataFrame) -> pd.DataFrame:
    """Dyad table as build_dyads computes it: partner means of LINK and SYM, |DEP_a - DEP_b|."""
    grouped = partners.groupby("dyad_id", sort=True)
    first = grouped.nth(0).set_index("dyad_id")
    second = grouped.nth(1).set_index("dyad_id")
    table = pd.DataFrame({
        "link": (first["LINK"] + second["LINK"]) / 2.0,
        "symmetry": (first["SYM"] + second["SYM"]) / 2.0,
        "dep_asymmetry": (first["DEP"] - second["DEP"]).abs(),
    })
    return table
