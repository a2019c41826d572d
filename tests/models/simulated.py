"""Simulated firms at risk with correlated outcomes inside dyads and a known logistic truth.

The outcome of firm i in dyad d is ``crossed = 1{logit(U_i) < eta_i}`` with ``U_i = Phi(Z_i)`` and
``(Z_a, Z_b)`` bivariate normal with correlation ``rho`` within a dyad. Each ``logit(U_i)`` is standard
logistic, so ``P(crossed = 1 | x) = expit(eta)`` exactly: the *marginal* model is the logistic model with the
stated coefficients (the estimand of ML with dyad-clustered errors and of GEE), while the two firms of a dyad
are correlated. The configuration and the trust scores are dyad-level (shared by both firms).

(alliance_stats.simulate.simulate_alliances is the project's full simulator; this small generator keeps the
model tests independent of it and gives an exact marginal truth.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from scipy.special import logit

CONFIGS = ("entraide", "parrainage", "survie", "contre_nature")

TRUE_M1 = {"(Intercept)": -0.4, "configuration[entraide]": 0.9, "configuration[parrainage]": 0.5,
           "configuration[contre_nature]": 0.2, "firm_age": -0.05}
TRUE_M3 = {"(Intercept)": -0.2, "trust_shared": 0.6, "trust_constrained": -0.4, "firm_age": -0.05}


def simulate_firms(n_dyads: int, rng: np.random.Generator, *, model: str = "M3", null: bool = False,
                   rho: float = 0.85, both_share: float = 0.85) -> pd.DataFrame:
    """One data set of firms at risk (see module docstring)."""
    config = rng.choice(CONFIGS, size=n_dyads)
    trust_shared = rng.normal(size=n_dyads)
    trust_constrained = 0.3 * trust_shared + rng.normal(size=n_dyads)
    z = rng.normal(size=(n_dyads, 2))
    z[:, 1] = rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]
    both = rng.uniform(size=n_dyads) < both_share
    rows = []
    for d in range(n_dyads):
        for role, k in (("a", 0), ("b", 1)):
            if role == "b" and not both[d]:
                continue
            rows.append({"dyad_id": f"D{d:04d}", "role": role, "configuration": config[d],
                         "trust_shared": trust_shared[d], "trust_constrained": trust_constrained[d],
                         "firm_age": float(rng.integers(0, 9)), "latent": z[d, k]})
    df = pd.DataFrame(rows)
    truth = TRUE_M1 if model == "M1" else TRUE_M3
    eta = np.full(len(df), truth["(Intercept)"])
    for term, value in truth.items():
        if term == "(Intercept)":
            continue
        value = 0.0 if null else value
        if term.startswith("configuration["):
            eta += value * (df["configuration"] == term[len("configuration["):-1]).to_numpy()
        else:
            eta += value * df[term].to_numpy()
    eps = logit(np.clip(stats.norm.cdf(df.pop("latent").to_numpy()), 1e-15, 1 - 1e-15))
    df["crossed"] = (eps < eta).astype(int)
    return df
