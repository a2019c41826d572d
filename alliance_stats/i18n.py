"""French and English labels and number formatting.

Every user-facing label exists in both languages. French output uses a decimal comma everywhere (tables,
figures, text); English uses a decimal point. APA style drops the leading zero of quantities that cannot
exceed 1 in absolute value (format codes ``r2``/``r3``/``p`` of :mod:`alliance_stats.report.table`).
"""

from __future__ import annotations

import math
from typing import Any

LANGS: tuple[str, ...] = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    "entraide": {"fr": "Entraide", "en": "Mutual aid"},
    "parrainage": {"fr": "Parrainage", "en": "Sponsorship"},
    "survie": {"fr": "Survie", "en": "Survival"},
    "contre_nature": {"fr": "Contre nature", "en": "Against nature"},
    "link": {"fr": "Lien", "en": "Link"},
    "symmetry": {"fr": "Symétrie de l'intérêt", "en": "Interest symmetry"},
    "trust_shared": {"fr": "Confiance partagée", "en": "Shared trust"},
    "trust_constrained": {"fr": "Confiance contrainte", "en": "Constrained trust"},
    "dep_asymmetry": {"fr": "Asymétrie de dépendance", "en": "Dependence asymmetry"},
    "crossed": {"fr": "Cap du démarrage franchi", "en": "Start-up phase crossed"},
    "supported": {"fr": "soutenue", "en": "supported"},
    "not supported": {"fr": "non soutenue", "en": "not supported"},
    "partly supported": {"fr": "partiellement soutenue", "en": "partly supported"},
    "note": {"fr": "Note.", "en": "Note."},
    # --- power analysis (issue 7) ---
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
    # --- typology: classification, cluster check, map (issue 5) ---
    "typology.kmeans": {"fr": "k-moyennes", "en": "k-means"},
    "typology.ward": {"fr": "Ward", "en": "Ward"},
    "typology.gmm": {"fr": "Mélange gaussien", "en": "Gaussian mixture"},
    "typology.cluster": {"fr": "Groupe", "en": "Cluster"},
    "typology.unclassified": {"fr": "Non classées", "en": "Unclassified"},
    "typology.total": {"fr": "Total", "en": "Total"},
    "typology.unmatched": {"fr": "non apparié", "en": "unmatched"},
    "typology.centroid": {"fr": "Centre de groupe", "en": "Cluster centre"},
    "typology.cut": {"fr": "Seuil", "en": "Cut"},
    "typology.theory": {"fr": "Configuration théorique", "en": "Theory configuration"},
    "typology.link_axis": {"fr": "Lien : économique (bas) – social (haut)",
                           "en": "Link: economic (low) – social (high)"},
    "typology.symmetry_axis": {"fr": "Intérêt : asymétrique (bas) – symétrique (haut)",
                               "en": "Interest: asymmetric (low) – symmetric (high)"},
    "typology.map_title": {"fr": "Dyades dans le plan lien x symétrie", "en": "Dyads in the link x symmetry plane"},
    # --- measurement: item analysis, reliability, EFA (issue 4) ---
    "measurement.item": {"fr": "Item", "en": "Item"},
    "measurement.scale": {"fr": "Échelle", "en": "Scale"},
    "measurement.n": {"fr": "n", "en": "n"},
    "measurement.k": {"fr": "Items", "en": "Items"},
    "measurement.mean": {"fr": "Moyenne", "en": "Mean"},
    "measurement.sd": {"fr": "É.-T.", "en": "SD"},
    "measurement.skew": {"fr": "Asymétrie", "en": "Skewness"},
    "measurement.kurtosis": {"fr": "Aplatissement", "en": "Kurtosis"},
    "measurement.floor": {"fr": "Plancher (%)", "en": "Floor (%)"},
    "measurement.ceiling": {"fr": "Plafond (%)", "en": "Ceiling (%)"},
    "measurement.r_drop": {"fr": "r item-total corrigé", "en": "Corrected item-total r"},
    "measurement.alpha_if_dropped": {"fr": "Alpha si item supprimé", "en": "Alpha if item deleted"},
    "measurement.items_title": {"fr": "Statistiques des items", "en": "Item statistics"},
    "measurement.items_note": {
        "fr": "Asymétrie et aplatissement (excès) de type 3 (psych::describe). Plancher et plafond : part des "
              "réponses à {low} et à {high}. r item-total corrigé : corrélation de l'item avec la somme des "
              "autres items.",
        "en": "Type 3 skewness and excess kurtosis (psych::describe). Floor and ceiling: share of answers at {low} "
              "and at {high}. Corrected item-total r: correlation of the item with the sum of the other items."},
    "measurement.reversed_note": {"fr": "(R) : item inversé.", "en": "(R): reverse-keyed item."},
    "measurement.alpha_title": {"fr": "Fiabilité (alpha de Cronbach) : items",
                                "en": "Reliability (Cronbach's alpha): items"},
    "measurement.alpha_note": {"fr": "Alpha de Cronbach = {alpha} (standardisé {std}), n = {n}, {k} items.",
                               "en": "Cronbach's alpha = {alpha} (standardised {std}), n = {n}, {k} items."},
    "measurement.alpha_ci_note": {"fr": "IC à {level} % ({method}) : {interval}.",
                                  "en": "{level}% CI ({method}): {interval}."},
    "measurement.ci.feldt": {"fr": "Feldt", "en": "Feldt"},
    "measurement.ci.bootstrap": {"fr": "bootstrap BCa", "en": "BCa bootstrap"},
    "measurement.ci_low": {"fr": "IC inf.", "en": "CI lower"},
    "measurement.ci_high": {"fr": "IC sup.", "en": "CI upper"},
    "measurement.std_alpha": {"fr": "Alpha standardisé", "en": "Standardised alpha"},
    "measurement.average_r": {"fr": "r inter-items moyen", "en": "Mean inter-item r"},
    "measurement.reliability_title": {"fr": "Fiabilité des échelles", "en": "Scale reliability"},
    "measurement.reliability_note": {
        "fr": "Alpha de Cronbach sur les covariances calculées par paires (psych::alpha) ; seuil usuel .70.",
        "en": "Cronbach's alpha from pairwise covariances (psych::alpha); usual threshold .70."},
    "measurement.ci_methods": {"fr": "Intervalles à 95 % : {methods}.", "en": "95% intervals: {methods}."},
    "measurement.msa": {"fr": "KMO (MSA)", "en": "KMO (MSA)"},
    "measurement.overall": {"fr": "Ensemble", "en": "Overall"},
    "measurement.kmo_title": {"fr": "Indice de Kaiser-Meyer-Olkin",
                              "en": "Kaiser-Meyer-Olkin measure of sampling adequacy"},
    "measurement.kmo_note": {"fr": "psych::KMO ; des valeurs inférieures à .50 sont inacceptables (Kaiser, 1974).",
                             "en": "psych::KMO; values below .50 are unacceptable (Kaiser 1974)."},
    "measurement.test": {"fr": "Test", "en": "Test"},
    "measurement.bartlett": {"fr": "Sphéricité de Bartlett", "en": "Bartlett's sphericity"},
    "measurement.bartlett_title": {"fr": "Test de sphéricité de Bartlett", "en": "Bartlett's test of sphericity"},
    "measurement.bartlett_note": {"fr": "H0 : la matrice des corrélations est l'identité (psych::cortest.bartlett).",
                                  "en": "H0: the correlation matrix is an identity matrix (psych::cortest.bartlett)."},
    "measurement.df": {"fr": "ddl", "en": "df"},
    "measurement.p": {"fr": "p", "en": "p"},
    "measurement.number": {"fr": "Rang", "en": "Number"},
    "measurement.pc_observed": {"fr": "Composantes : observées", "en": "Components: observed"},
    "measurement.pc_simulated": {"fr": "Composantes : simulées", "en": "Components: simulated"},
    "measurement.fa_observed": {"fr": "Facteurs : observées", "en": "Factors: observed"},
    "measurement.fa_simulated": {"fr": "Facteurs : simulées", "en": "Factors: simulated"},
    "measurement.parallel_title": {"fr": "Analyse parallèle de Horn (valeurs propres)",
                                   "en": "Horn's parallel analysis (eigenvalues)"},
    "measurement.parallel_note": {
        "fr": "Valeurs simulées : {q}e centile de {n_iter} jeux de données normales de même taille (n = {n}). "
              "Facteurs : {fa}. Nombre suggéré : {n_factors} facteur(s), {n_components} composante(s).",
        "en": "Simulated values: {q}th percentile over {n_iter} normal data sets of the same size (n = {n}). "
              "Factors: {fa}. Suggested: {n_factors} factor(s), {n_components} component(s)."},
    "measurement.parallel_fa.smc": {"fr": "corrélations multiples au carré sur la diagonale",
                                    "en": "squared multiple correlations on the diagonal"},
    "measurement.parallel_fa.minres": {"fr": "communautés d'un facteur (minres) sur la diagonale",
                                       "en": "one-factor minres communalities on the diagonal"},
    "measurement.ss_loadings": {"fr": "Somme des carrés des saturations", "en": "SS loadings"},
    "measurement.proportion_var": {"fr": "Proportion de variance", "en": "Proportion of variance"},
    "measurement.cumulative_var": {"fr": "Variance cumulée", "en": "Cumulative variance"},
    "measurement.efa_title": {"fr": "Analyse factorielle exploratoire : saturations",
                              "en": "Exploratory factor analysis: loadings"},
    "measurement.efa_note": {
        "fr": "Extraction : {method} ; rotation : {rotation} ; n = {n}. h2 : communauté ; u2 : unicité.",
        "en": "Extraction: {method}; rotation: {rotation}; n = {n}. h2: communality; u2: uniqueness."},
    "measurement.method.minres": {"fr": "résidus minimaux (minres)", "en": "minimum residual (minres)"},
    "measurement.method.ml": {"fr": "maximum de vraisemblance", "en": "maximum likelihood"},
    "measurement.rotation.oblimin": {"fr": "oblimin", "en": "oblimin"},
    "measurement.rotation.promax": {"fr": "promax", "en": "promax"},
    "measurement.rotation.varimax": {"fr": "varimax", "en": "varimax"},
    "measurement.rotation.none": {"fr": "aucune", "en": "none"},
    "measurement.phi_title": {"fr": "Analyse factorielle exploratoire : corrélations entre facteurs",
                              "en": "Exploratory factor analysis: factor correlations"},
    # --- data: scoring, dyads, agreement; simulator (issue 3) ---
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
    # --- models (issue 6) ---
    "configuration": {"fr": "Configuration", "en": "Configuration"},
    "firm_age": {"fr": "Âge de l'entreprise au début de l'alliance", "en": "Firm age at alliance start"},
    "EMPLOYEES": {"fr": "Effectif salarié", "en": "Employees"},
    "FOUNDER_EXPERIENCE": {"fr": "Expérience antérieure du dirigeant", "en": "Founder's prior experience"},
    "LEARN": {"fr": "Apprentissage", "en": "Learning"},
    "models.intercept": {"fr": "Constante", "en": "Intercept"},
    "models.vs": {"fr": "réf.", "en": "vs"},
    "models.term": {"fr": "Terme", "en": "Term"},
    "models.or": {"fr": "RC", "en": "OR"},
    "models.ci_low": {"fr": "IC {level} % inf.", "en": "{level}% CI lower"},
    "models.ci_high": {"fr": "IC {level} % sup.", "en": "{level}% CI upper"},
    "models.se": {"fr": "ET", "en": "SE"},
    "models.title": {"fr": "Régression logistique : {outcome}", "en": "Logistic regression: {outcome}"},
    "models.test": {"fr": "Test", "en": "Test"},
    "models.test.LR": {"fr": "RV", "en": "LR"},
    "models.test.penalised LR": {"fr": "RV pénalisé", "en": "penalised LR"},
    "models.test.Wald (cluster-robust)": {"fr": "Wald (robuste, grappes)", "en": "Wald (cluster-robust)"},
    "models.test.Wald (GEE robust)": {"fr": "Wald (GEE, robuste)", "en": "Wald (GEE robust)"},
    "models.statistic": {"fr": "Khi-deux", "en": "Chi-square"},
    "models.tests_title": {"fr": "Tests de chaque terme du modèle", "en": "Tests of each model term"},
    "models.value": {"fr": "Valeur", "en": "Value"},
    "models.fit_title": {"fr": "Ajustement du modèle", "en": "Model fit"},
    "models.stat.n": {"fr": "N", "en": "N"},
    "models.stat.events": {"fr": "Événements", "en": "Events"},
    "models.stat.non_events": {"fr": "Non-événements", "en": "Non-events"},
    "models.stat.n_parameters": {"fr": "Paramètres", "en": "Parameters"},
    "models.stat.events_per_parameter": {"fr": "Événements par paramètre", "en": "Events per parameter"},
    "models.stat.n_clusters": {"fr": "Grappes (dyades)", "en": "Clusters (dyads)"},
    "models.stat.n_dropped_missing": {"fr": "Lignes exclues (valeurs manquantes)",
                                      "en": "Rows dropped (missing values)"},
    "models.stat.loglik": {"fr": "Log-vraisemblance", "en": "Log-likelihood"},
    "models.stat.loglik_penalised": {"fr": "Log-vraisemblance pénalisée", "en": "Penalised log-likelihood"},
    "models.stat.loglik_null": {"fr": "Log-vraisemblance (modèle nul)", "en": "Log-likelihood (null model)"},
    "models.stat.deviance": {"fr": "Déviance", "en": "Deviance"},
    "models.stat.null_deviance": {"fr": "Déviance nulle", "en": "Null deviance"},
    "models.stat.aic": {"fr": "AIC", "en": "AIC"},
    "models.stat.bic": {"fr": "BIC", "en": "BIC"},
    "models.stat.mcfadden_r2": {"fr": "R² de McFadden", "en": "McFadden R²"},
    "models.stat.tjur_r2": {"fr": "R² de Tjur", "en": "Tjur R²"},
    "models.stat.auc": {"fr": "Aire sous la courbe ROC", "en": "Area under the ROC curve"},
    "models.stat.hl_statistic": {"fr": "Hosmer-Lemeshow khi-deux", "en": "Hosmer-Lemeshow chi-square"},
    "models.stat.hl_df": {"fr": "Hosmer-Lemeshow ddl", "en": "Hosmer-Lemeshow df"},
    "models.stat.hl_p": {"fr": "Hosmer-Lemeshow p", "en": "Hosmer-Lemeshow p"},
    "models.stat.hl_groups": {"fr": "Hosmer-Lemeshow groupes", "en": "Hosmer-Lemeshow groups"},
    "models.stat.gee_alpha": {"fr": "Corrélation intra-dyade (GEE)", "en": "Within-dyad correlation (GEE)"},
    "models.probability": {"fr": "Probabilité prédite", "en": "Predicted probability"},
    "models.observed": {"fr": "Proportion observée", "en": "Observed share"},
    "models.fit_note": {"fr": "Log-vraisemblance, déviance, AIC et BIC non pénalisés ; Hosmer-Lemeshow en "
                              "10 groupes de probabilités prédites (quantiles, ddl = groupes - 2).",
                        "en": "Unpenalised log-likelihood, deviance, AIC and BIC; Hosmer-Lemeshow with 10 groups of "
                              "predicted probabilities (quantiles, df = groups - 2)."},
    "models.predicted_title": {"fr": "Probabilité prédite de franchir le démarrage, par modalité de {factor}",
                               "en": "Predicted probability of crossing the start-up phase by {factor}"},
    "models.predicted_note": {
        "fr": "Probabilités moyennes prédites en attribuant chaque niveau à toutes les entreprises de "
              "l'échantillon ; intervalle calculé sur l'échelle logit (méthode delta).",
        "en": "Average predicted probabilities with every firm of the sample given the level; interval "
              "computed on the logit scale (delta method)."},
    "models.method.ml": {"fr": "Maximum de vraisemblance ; intervalles de Wald",
                         "en": "Maximum likelihood; Wald intervals"},
    "models.method.firth": {
        "fr": "Vraisemblance pénalisée de Firth ; intervalles et p par profil de vraisemblance pénalisée",
        "en": "Firth's penalised likelihood; profile penalised-likelihood intervals and penalised LR p values"},
    "models.cov.model": {"fr": "Erreurs types du modèle", "en": "Model-based standard errors"},
    "models.cov.cluster": {"fr": "Erreurs types robustes par grappe ({cluster}, {g} grappes)",
                           "en": "Cluster-robust standard errors ({cluster}, {g} clusters)"},
    "models.cov.gee": {"fr": "GEE, corrélation échangeable au sein de {cluster} ({g} grappes), erreurs robustes",
                       "en": "GEE with exchangeable correlation within {cluster} ({g} clusters), robust errors"},
    "models.auto_reason": {"fr": "Méthode choisie automatiquement : {reason}",
                           "en": "Method chosen automatically: {reason}"},
    "models.reason.separation": {"fr": "séparation des données ({detail})", "en": "separated data ({detail})"},
    "models.reason.epv": {"fr": "{detail} événements par paramètre (< 10)",
                          "en": "{detail} events per parameter (< 10)"},
    "models.reason.ok": {"fr": "pas de séparation, {detail} événements par paramètre",
                         "en": "no separation, {detail} events per parameter"},
    "models.reason.requested": {"fr": "demandée ({detail})", "en": "requested ({detail})"},
    "models.sample": {"fr": "N = {n}, {events} événements, {epv} événements par paramètre",
                      "en": "N = {n}, {events} events, {epv} events per parameter"},
    "models.references": {"fr": "Modalités de référence :", "en": "Reference levels:"},
    "models.standardised": {"fr": "Variables centrées réduites :", "en": "Standardised variables:"},
    "models.separation_note": {
        "fr": "Estimation infinie (séparation) non rapportée pour : {terms} ; utiliser la méthode de Firth",
        "en": "Infinite estimate (separation) not reported for: {terms}; use Firth's method"},
    "models.side_title": {"fr": "Modèles logistiques du franchissement du démarrage (rapports de cotes)",
                          "en": "Logistic models of crossing the start-up phase (odds ratios)"},
    "models.side_note": {"fr": "Rapport de cotes [IC {level} %].", "en": "Odds ratio [{level}% CI]."},
    "models.stars_note": {"fr": "* p < ,05 ; ** p < ,01 ; *** p < ,001.", "en": "* p < .05, ** p < .01, *** p < .001."},
    "models.estimation": {"fr": "Estimation", "en": "Estimation"},
    "models.short.ml.model": {"fr": "MV", "en": "ML"},
    "models.short.ml.cluster": {"fr": "MV, ET robustes (dyades)", "en": "ML, dyad-robust SE"},
    "models.short.ml.gee": {"fr": "GEE échangeable", "en": "GEE exchangeable"},
    "models.short.firth.model": {"fr": "Firth", "en": "Firth"},
    "models.hypothesis": {"fr": "Hypothèse", "en": "Hypothesis"},
    "models.hypotheses_title": {"fr": "Hypothèses confirmatoires et exploratoires",
                                "en": "Confirmatory and exploratory hypotheses"},
    "models.direction": {"fr": "Sens attendu", "en": "Expected direction"},
    "models.direction.greater": {"fr": "positif", "en": "positive"},
    "models.direction.less": {"fr": "négatif", "en": "negative"},
    "models.direction.two-sided": {"fr": "bilatéral", "en": "two-sided"},
    "models.p_adjusted": {"fr": "p ajusté", "en": "Adjusted p"},
    "models.verdict": {"fr": "Verdict", "en": "Verdict"},
    "models.exploratory": {"fr": "exploratoire", "en": "exploratory"},
    "models.correction.holm": {"fr": "Holm", "en": "Holm"},
    "models.correction.bonferroni": {"fr": "Bonferroni", "en": "Bonferroni"},
    "models.correction.none": {"fr": "aucune correction", "en": "no correction"},
    "models.hypotheses_note": {
        "fr": "Rapports de cotes (contrastes : moyenne des log-cotes des configurations comparées). p unilatéral "
              "pour une hypothèse orientée ; p ajusté ({correction}) sur la famille confirmatoire ; « soutenue » "
              "si p ajusté < {alpha}. Les hypothèses exploratoires n'ont pas de verdict.",
        "en": "Odds ratios (contrasts: mean log odds of the compared configurations). One-sided p for a "
              "directional hypothesis; p adjusted ({correction}) over the confirmatory family; \"supported\" when "
              "the adjusted p < {alpha}. Exploratory hypotheses get no verdict."},
    "models.estimate": {"fr": "Estimation", "en": "Estimate"},
    "models.scale": {"fr": "Échelle", "en": "Scale"},
    "models.scale.mediator": {"fr": "unités du médiateur", "en": "mediator units"},
    "models.scale.log-odds": {"fr": "log-cote", "en": "log odds"},
    "models.scale.mixed": {"fr": "mixte (voir note)", "en": "mixed (see note)"},
    "models.path.a": {"fr": "a (X → médiateur)", "en": "a (X → mediator)"},
    "models.path.b": {"fr": "b (médiateur → Y)", "en": "b (mediator → Y)"},
    "models.path.indirect": {"fr": "Effet indirect a × b", "en": "Indirect effect a × b"},
    "models.path.direct": {"fr": "Effet direct c'", "en": "Direct effect c'"},
    "models.path.total": {"fr": "Effet total c", "en": "Total effect c"},
    "models.by_cluster": {"fr": "rééchantillonnage par", "en": "resampling by"},
    "models.mediation_title": {"fr": "Médiation exploratoire par {m}", "en": "Exploratory mediation through {m}"},
    "models.mediation_note": {
        "fr": "X = {x}, médiateur = {m}, Y = {y}. a : régression linéaire du médiateur ; b, c' et c : régressions "
              "logistiques. Intervalles percentiles bootstrap ({b} rééchantillons{cluster}). a est sur l'échelle "
              "du médiateur et b sur l'échelle des log-cotes : le produit a × b est sur une échelle mixte et ne "
              "se compare pas à l'effet total c (non-collapsibilité du modèle logistique ; VanderWeele et "
              "Vansteelandt, 2010 ; MacKinnon, 2008).",
        "en": "X = {x}, mediator = {m}, Y = {y}. a: linear regression of the mediator; b, c' and c: logistic "
              "regressions. Bootstrap percentile intervals ({b} resamples{cluster}). a is on the mediator's scale "
              "and b on the log-odds scale: the product a × b is on a mixed scale and is not comparable to the "
              "total effect c (logistic coefficients are not collapsible; VanderWeele and Vansteelandt 2010; "
              "MacKinnon 2008)."},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    return lang


def tr(key: str, lang: str, default: str | None = None) -> str:
    """Label of ``key`` in ``lang``; falls back to ``default`` or the key itself."""
    entry = LABELS.get(key)
    if entry is None:
        return key if default is None else default
    return entry[check_lang(lang)]


def fmt_number(x: Any, spec: str = "f2", lang: str = "en") -> str:
    """Format one value for a table cell.

    >>> fmt_number(0.8234, "r2", "fr")
    ',82'
    >>> fmt_number(0.0004, "p", "en")
    '< .001'
    >>> fmt_number(1234.5, "f1", "fr")
    '1234,5'
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if spec == "text" or isinstance(x, str):
        return str(x)
    if isinstance(x, bool):
        return str(x)
    sep = "," if lang == "fr" else "."
    if spec == "int":
        return str(int(round(float(x))))
    if spec == "pct":
        return f"{100 * float(x):.1f}".replace(".", sep)
    if spec == "p":
        v = float(x)
        if v < 0.001:
            return "< " + sep + "001"
        text = f"{v:.3f}"
        if text.startswith("0."):
            text = text[1:]
        return text.replace(".", sep)
    if spec in ("r2", "r3"):
        digits = int(spec[1])
        text = f"{float(x):.{digits}f}"
        text = text.replace("-0.", "-.") if text.startswith("-0.") else text
        if text.startswith("0."):
            text = text[1:]
        return text.replace(".", sep)
    if spec.startswith("f") and spec[1:].isdigit():
        return f"{float(x):.{int(spec[1:])}f}".replace(".", sep)
    raise ValueError(f"unknown format code {spec!r}")
