"""French and English labels: crossing models, hypotheses, mediation."""

LABELS: dict[str, dict[str, str]] = {
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
    "models.hypotheses_title_confirmatory": {"fr": "Hypothèses confirmatoires", "en": "Confirmatory hypotheses"},
    "models.hypotheses_title_exploratory": {"fr": "Hypothèses exploratoires", "en": "Exploratory hypotheses"},
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
    # report section of the crossing models (plan/sections/models.py)
    "models.section.title": {"fr": "Franchissement du cap du démarrage", "en": "Crossing the start-up phase"},
    "models.section.model": {"fr": "Modèle", "en": "Model"},
    "models.section.tests_title": {"fr": "Tests de chaque terme des modèles", "en": "Tests of the model terms"},
    "models.section.tests_note": {
        "fr": "Chaque facteur est testé dans son ensemble (configuration : 3 ddl). Avec des erreurs types robustes "
              "par dyade, test de Wald robuste (un test du rapport de vraisemblance supposerait des entreprises "
              "indépendantes) ; sinon rapport de vraisemblance (pénalisé pour Firth).",
        "en": "Each factor is tested as a whole (configuration: 3 df). With dyad-robust standard errors, "
              "cluster-robust Wald test (a likelihood-ratio test would assume independent firms); otherwise "
              "likelihood ratio (penalised for Firth)."},
    "models.section.tests_note_marginality": {
        "fr": "Les effets principaux des termes pris dans une interaction ne sont pas testés seuls, {models} : par "
              "marginalité, leur test dépendrait du codage de l'autre variable (comme drop1 de R et Anova de type "
              "II de car) ; l'interaction est testée.",
        "en": "The main effects of terms that enter an interaction are not tested alone, {models}: by marginality, "
              "their test would depend on the coding of the other variable (as R's drop1 and car's type II Anova); "
              "the interaction is tested."},
    "models.section.predicted_caption": {
        "fr": "Probabilité prédite de franchir le cap du démarrage par configuration",
        "en": "Predicted probability of crossing the start-up phase by configuration"},
    "models.section.forest_caption": {"fr": "Rapports de cotes et intervalles de confiance à 95 %",
                                      "en": "Odds ratios with 95% confidence intervals"},
    "models.section.predicted_title": {"fr": "Probabilité prédite de franchissement par configuration ({key})",
                                       "en": "Predicted probability of crossing by configuration ({key})"},
    "models.section.predicted_note": {
        "fr": "Probabilité moyenne prédite sur l'échantillon en fixant la configuration (standardisation), "
              "IC 95 % calculé sur l'échelle logit (méthode delta).",
        "en": "Probability averaged over the sample with the configuration set to each level "
              "(standardisation), 95% CI computed on the logit scale (delta method)."},
    # report section of the hypotheses (plan/sections/hypotheses.py)
    "models.section.hypotheses_title": {"fr": "Hypothèses", "en": "Hypotheses"},
}
