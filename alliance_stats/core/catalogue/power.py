"""French and English labels: the power analysis."""

LABELS: dict[str, dict[str, str]] = {
    "power.target": {"fr": "Cible", "en": "Target"},
    "power.target.familywise": {"fr": "Toutes les hypothèses confirmatoires soutenues",
                                "en": "All confirmatory hypotheses supported"},
    "power.target.any": {"fr": "Au moins une hypothèse confirmatoire soutenue",
                         "en": "At least one confirmatory hypothesis supported"},
    "power.target.cluster": {"fr": "Typologie retrouvée (k = {k} par BIC, ARI ≥ {ari})",
                             "en": "Typology recovered (k = {k} by BIC, ARI ≥ {ari})"},
    "power.target.cfa": {"fr": "AFC : test d'ajustement proche (RMSEA)", "en": "CFA: close-fit test (RMSEA)"},
    "power.title.power": {"fr": "Puissance simulée selon le nombre de dyades",
                          "en": "Simulated power by number of dyads"},
    "power.title.power_mcse": {"fr": "Erreur type Monte-Carlo de la puissance simulée",
                               "en": "Monte Carlo standard error of the simulated power"},
    "power.title.sample_size": {"fr": "Nombre de dyades nécessaire", "en": "Number of dyads needed"},
    "power.col.n_reached": {"fr": "Plus petit N atteignant {target}", "en": "Smallest N reaching {target}"},
    "power.col.power_there": {"fr": "Puissance à ce N", "en": "Power at that N"},
    "power.col.n_analytic": {"fr": "N analytique (dyades)", "en": "Analytic N (dyads)"},
    "power.note.power": {
        "fr": "Part de {reps} réplications simulées par N où l'hypothèse est soutenue (p unilatéral ajusté "
              "({correction}) < {alpha} sur la famille confirmatoire ; graine {seed}). AFC : puissance analytique "
              "du test RMSEA d'ajustement proche (MacCallum, Browne et Sugawara, 1996 ; ddl = {df}, RMSEA0 = "
              "{rmsea0}, RMSEAa = {rmsea_a}) au nombre moyen de répondants retenus.",
        "en": "Share of {reps} simulated replicates per N in which the hypothesis is supported (one-sided p adjusted "
              "({correction}) < {alpha} over the confirmatory family; seed {seed}). CFA: analytic power of the "
              "RMSEA close-fit test (MacCallum, Browne and Sugawara 1996; df = {df}, RMSEA0 = {rmsea0}, RMSEAa = "
              "{rmsea_a}) at the mean number of respondents kept."},
    "power.note.power_mcse": {
        "fr": "Erreur type Monte-Carlo sqrt(p(1 - p) / R) avec R = {reps} réplications ; 0 pour la puissance "
              "analytique de l'AFC.",
        "en": "Monte Carlo standard error sqrt(p(1 - p) / R) with R = {reps} replicates; 0 for the analytic CFA "
              "power."},
    "power.note.sample_size": {
        "fr": "Plus petit N de la grille ({grid}) dont la puissance atteint {target} ; vide : non atteint dans la "
              "grille. AFC : N analytique exact (semTools::findRMSEAsamplesize) converti en dyades.",
        "en": "Smallest N of the grid ({grid}) whose power reaches {target}; blank: not reached within the grid. "
              "CFA: exact analytic N (semTools::findRMSEAsamplesize) converted to dyads."},
    "power.title.details": {"fr": "Échantillons simulés : moyennes par nombre de dyades",
                            "en": "Simulated samples: means by number of dyads"},
    "power.col.n_dyads": {"fr": "Dyades (N)", "en": "Dyads (N)"},
    "power.col.respondents_kept": {"fr": "Répondants retenus", "en": "Respondents kept"},
    "power.col.excluded_share": {"fr": "Répondants exclus (%)", "en": "Respondents excluded (%)"},
    "power.col.firms_at_risk": {"fr": "Entreprises en démarrage", "en": "Firms at risk"},
    "power.col.crossed_share": {"fr": "Cap franchi (%)", "en": "Crossed (%)"},
    "power.col.firth_share": {"fr": "Firth, {model} (%)", "en": "Firth, {model} (%)"},
    "power.col.failed_share": {"fr": "Échecs, {model} (%)", "en": "Failed, {model} (%)"},
    "power.col.cluster_k_share": {"fr": "k = {k} choisi (%)", "en": "k = {k} chosen (%)"},
    "power.col.cluster_ari_mean": {"fr": "ARI moyen", "en": "Mean ARI"},
    "power.note.details": {
        "fr": "Moyennes sur les réplications. Firth : part des ajustements par vraisemblance pénalisée (moins de "
              "10 événements par paramètre ou séparation, règle « auto » du plan). Échecs : modèle non estimable "
              "(configuration sans entreprise, non-convergence), compté comme hypothèse non soutenue.",
        "en": "Means over the replicates. Firth: share of penalised-likelihood fits (fewer than 10 events per "
              "parameter or separation, the plan's 'auto' rule). Failed: model not estimable (a configuration "
              "without firms, non-convergence), counted as a hypothesis not supported."},
    # report of a power run (power/runner.py) and the power section of the analysis report (plan/sections/power.py)
    "power.report.title": {"fr": "Puissance et taille d'échantillon", "en": "Power and sample size"},
    "power.report.intro": {
        "fr": "Puissance simulée du plan confirmatoire « {plan} » : {reps} réplications par nombre de dyades, "
              "chacune simulée, nettoyée, classée, modélisée et testée comme le plan le fait (correction "
              "{correction}, alpha {alpha}).",
        "en": "Simulated power of the confirmatory plan '{plan}': {reps} replicates per number of dyads, each "
              "simulated, cleaned, classified, modelled and tested as the plan does it ({correction} correction, "
              "alpha {alpha})."},
    "power.report.population": {
        "fr": "Population supposée : configurations {shares} ; rapports de cotes {odds} (référence survie) ; "
              "confiance partagée {shared}, confiance contrainte {constrained} par unité latente ; séparation "
              "{separation} ; saturations {loading}.",
        "en": "Assumed population: configurations {shares}; odds ratios {odds} (reference survival); shared trust "
              "{shared}, constrained trust {constrained} per latent unit; separation {separation}; loadings "
              "{loading}."},
    "power.report.curves_caption": {"fr": "Courbes de puissance selon le nombre de dyades",
                                    "en": "Power curves by number of dyads"},
    "power.report.curves_note": {"fr": "Barres : ± 1,96 erreur type Monte-Carlo. Ligne pointillée : puissance visée.",
                                 "en": "Bars: ± 1.96 Monte Carlo standard errors. Dashed line: target power."},
    "power.section.sample_size_note": {
        "fr": "Puissance simulée ({reps} réplications par N) de l'analyse {run} ; voir son rapport pour le détail.",
        "en": "Simulated power ({reps} replicates per N) from the run {run}; see its report for details."},
}
