"""French and English labels: scoring, dyads, agreement, data check; the simulator."""

LABELS: dict[str, dict[str, str]] = {
    "data.construct": {"fr": "Construit", "en": "Construct"},
    "data.agr_title": {"fr": "Accord intra-dyade par construit de niveau dyade",
                       "en": "Within-dyad agreement per dyad-level construct"},
    "data.agr_n_dyads": {"fr": "Dyades", "en": "Dyads"},
    "data.agr_n_items": {"fr": "Items", "en": "Items"},
    "data.agr_rwg_mean": {"fr": "rwg(j) moyen", "en": "Mean rwg(j)"},
    "data.agr_rwg_median": {"fr": "rwg(j) médian", "en": "Median rwg(j)"},
    "data.agr_rwg_share_70": {"fr": "% rwg(j) ≥ ,70", "en": "% rwg(j) ≥ .70"},
    "data.agr_icc1": {"fr": "CCI(1)", "en": "ICC(1)"},
    "data.agr_icc2": {"fr": "CCI(2)", "en": "ICC(2)"},
    "data.agr_note": {
        "fr": "rwg(j) : accord intra-dyade contre une distribution nulle uniforme (James, Demaree et Wolf, "
        "1984), ramené à 0 quand la variance observée dépasse la variance attendue. CCI(1) et CCI(2) au sens "
        "de Bliese (2000), dyades complètes.",
        "en": "rwg(j): within-dyad agreement against a uniform null distribution (James, Demaree & Wolf, "
        "1984), set to 0 when the observed variance exceeds the expected one. ICC(1) and ICC(2) as in "
        "Bliese (2000), complete dyads.",
    },
    "sim.title": {"fr": "Population simulée par configuration (vérité connue)",
                  "en": "Simulated population by configuration (known truth)"},
    "sim.n_dyads": {"fr": "Dyades", "en": "Dyads"},
    "sim.share": {"fr": "% des dyades", "en": "% of dyads"},
    "sim.n_at_risk": {"fr": "Entreprises en démarrage", "en": "Start-up firms"},
    "sim.n_crossed": {"fr": "Cap franchi (vrai)", "en": "Crossed (true)"},
    "sim.crossed_share": {"fr": "% franchi (vrai)", "en": "% crossed (true)"},
    "sim.mean_p_cross": {"fr": "Probabilité moyenne", "en": "Mean probability"},
    "sim.note": {
        "fr": "Données synthétiques : {n} dyades simulées (graine {seed}) ; aucune entreprise réelle.",
        "en": "Synthetic data: {n} simulated dyads (seed {seed}); no real firm.",
    },
}
