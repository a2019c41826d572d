"""French and English labels: the runner's report sections: titles, notes, sentences."""

LABELS: dict[str, dict[str, str]] = {
    "plan.subtitle_data": {"fr": "Données : {file}", "en": "Data: {file}"},
    "plan.suppressed_note": {"fr": "Effectifs de 1 à {top} masqués (< {below}).",
                             "en": "Counts from 1 to {top} are suppressed (< {below})."},
    "plan.suppressed_complementary_note": {
        "fr": "x : effectif masqué pour qu'un petit effectif ne puisse pas être retrouvé à partir des totaux.",
        "en": "x: count suppressed so that a small count cannot be derived from the totals."},
}

# results summary (plan/sections/summary.py): printed first in the report and written as summary.md
LABELS.update({
    "plan.summary.title": {"fr": "Synthèse des résultats", "en": "Summary of results"},
    "plan.summary.h_sample": {"fr": "Échantillon", "en": "Sample"},
    "plan.summary.h_excluded": {"fr": "Exclusions", "en": "Exclusions"},
    "plan.summary.h_scales": {"fr": "Échelles", "en": "Scales"},
    "plan.summary.h_configurations": {"fr": "Les quatre configurations", "en": "The four configurations"},
    "plan.summary.h_hypotheses": {"fr": "Hypothèses (p ajustées : {correction})",
                                  "en": "Hypotheses (p adjusted: {correction})"},
    "plan.summary.h_checks": {"fr": "Contrôles complémentaires", "en": "Further checks"},
    "plan.summary.h_not_computed": {"fr": "Non calculé", "en": "Not computed"},
    "plan.summary.sample": {
        "fr": "{respondents} répondants ; {kept} retenus, dans {dyads} dyades ({dyads_complete} avec les deux "
              "partenaires). {firms_at_risk} entreprises étaient en phase de démarrage au début de l'alliance "
              "(l'unité des modèles de franchissement) ; {crossed} ont franchi le cap du démarrage.",
        "en": "{respondents} respondents answered; {kept} were kept, in {dyads} dyads ({dyads_complete} with both "
              "partners). {firms_at_risk} firms were in their start-up phase when the alliance began (the unit of "
              "the crossing models); {crossed} of them crossed the start-up phase."},
    "plan.summary.sample_unknown": {"fr": "Franchissement indéterminé pour {crossed_unknown} (réponses manquantes).",
                                    "en": "Crossing is undetermined for {crossed_unknown} (missing answers)."},
    "plan.summary.excluded_none": {"fr": "Aucun répondant exclu par les règles du plan.",
                                   "en": "No respondent was excluded by the plan's rules."},
    "plan.summary.excluded": {
        "fr": "{excluded} répondants sur {respondents} exclus avant le calcul des scores (réponses peu "
              "attentives), par règle : {rules} (un répondant peut enfreindre plusieurs règles).",
        "en": "{excluded} of {respondents} respondents excluded before scoring (careless responding), by rule: "
              "{rules} (a respondent may break several rules)."},
    "plan.summary.construct": {"fr": "{label} ({code}) : α = {alpha}", "en": "{label} ({code}): α = {alpha}"},
    "plan.summary.omega": {"fr": "ω = {omega}", "en": "ω = {omega}"},
    "plan.summary.alpha_low": {"fr": "(α sous {cut})", "en": "(α below {cut})"},
    "plan.summary.cfa": {
        "fr": "AFC ({estimator}, N = {n}) : χ²({df}) = {chisq}, CFI = {cfi}, TLI = {tli}, RMSEA = {rmsea}, "
              "SRMR = {srmr} : {verdict}",
        "en": "CFA ({estimator}, N = {n}): χ²({df}) = {chisq}, CFI = {cfi}, TLI = {tli}, RMSEA = {rmsea}, "
              "SRMR = {srmr}: {verdict}"},
    "plan.summary.cfa_good": {
        "fr": "ajustement acceptable (CFI et TLI ≥ {cfi_min}, RMSEA ≤ {rmsea_max}, SRMR ≤ {srmr_max} ; Hu et "
              "Bentler, 1999).",
        "en": "acceptable fit (CFI and TLI ≥ {cfi_min}, RMSEA ≤ {rmsea_max}, SRMR ≤ {srmr_max}; Hu & Bentler, "
              "1999)."},
    "plan.summary.cfa_poor": {
        "fr": "ajustement en deçà des seuils usuels (CFI et TLI ≥ {cfi_min}, RMSEA ≤ {rmsea_max}, SRMR ≤ "
              "{srmr_max} ; Hu et Bentler, 1999).",
        "en": "fit below the usual cut-offs (CFI and TLI ≥ {cfi_min}, RMSEA ≤ {rmsea_max}, SRMR ≤ {srmr_max}; "
              "Hu & Bentler, 1999)."},
    "plan.summary.cfa_missing": {"fr": "AFC non estimée (voir les avertissements).",
                                 "en": "CFA not estimated (see the warnings)."},
    "plan.summary.crisp": {"fr": "Règle nette, dyades par configuration : {counts}.",
                           "en": "Crisp rule, dyads per configuration: {counts}."},
    "plan.summary.cluster": {
        "fr": "Contrôle par classification automatique : {verdict} (accord avec la théorie, ARI : {ari}).",
        "en": "Cluster check: {verdict} (agreement with the theory, ARI: {ari})."},
    "plan.summary.cluster_missing": {"fr": "Contrôle par classification non calculé (voir les avertissements).",
                                     "en": "Cluster check not computed (see the warnings)."},
    "plan.summary.estimate": {"fr": "RC = {odds_ratio}, IC à {level} % {ci}, {p}",
                              "en": "OR = {odds_ratio}, {level}% CI {ci}, {p}"},
    "plan.summary.p_adjusted": {"fr": "p ajustée", "en": "adjusted p"},
    "plan.summary.exploratory": {"fr": "{id} : exploratoire (sans verdict).",
                                 "en": "{id}: exploratory (no verdict)."},
    "plan.summary.power_run": {"fr": "puissance pour l'effet prévu : {power} (simulations, {n} dyades)",
                               "en": "power for the planned effect: {power} (simulated, {n} dyads)"},
    "plan.summary.power_analytic": {
        "fr": "puissance pour l'effet prévu (RC = {planned}) : {power} (analytique, {n} entreprises ; borne haute)",
        "en": "power for the planned effect (OR = {planned}): {power} (analytic, {n} firms; an upper bound)"},
    "plan.summary.power_none": {
        "fr": "puissance non disponible (le plan n'indique ni power_run ni planned_or)",
        "en": "power not available (the plan gives neither power_run nor planned_or)"},
    "plan.summary.flipped": {"fr": "{hypothesis} change de verdict ({variant}) : {verdict}.",
                             "en": "{hypothesis} changes verdict ({variant}): {verdict}."},
    "plan.summary.robust": {"fr": "Aucun verdict ne change dans les analyses de robustesse.",
                            "en": "No verdict changes in the robustness checks."},
    "plan.summary.check_cmv": {"fr": "Variance de méthode commune", "en": "Common-method variance"},
    "plan.summary.check_nesting": {"fr": "Emboîtement des répondants dans les dyades",
                                   "en": "Nesting of respondents in dyads"},
    "plan.summary.check_margins": {"fr": "Colinéarité des modèles", "en": "Collinearity of the models"},
    "plan.summary.cmv.flagged": {
        "fr": "signalée (au moins une règle est remplie) : lire les corrélations entre construits avec prudence",
        "en": "flagged (at least one rule fires): read the correlations between constructs with caution"},
    "plan.summary.cmv.not_flagged": {"fr": "non signalée (aucune règle n'est remplie)",
                                     "en": "not flagged (no rule fires)"},
    "plan.summary.cmv.not_computed": {"fr": "non calculée (voir les avertissements)",
                                      "en": "not computed (see the warnings)"},
    "plan.summary.nesting.conclusions_unchanged": {
        "fr": "les conclusions sur le modèle de mesure ne changent pas avec une inférence robuste aux dyades",
        "en": "the conclusions on the measurement model are unchanged with dyad-cluster-robust inference"},
    "plan.summary.nesting.conclusions_change": {
        "fr": "les conclusions sur le modèle de mesure changent avec une inférence robuste aux dyades",
        "en": "the conclusions on the measurement model change with dyad-cluster-robust inference"},
    "plan.summary.nesting.not_computed": {"fr": "non calculé (voir les avertissements)",
                                          "en": "not computed (see the warnings)"},
    "plan.summary.margins.clear": {"fr": "aucune (tous les GVIF^(1/ddl) ≤ 10)",
                                   "en": "none (every GVIF^(1/df) ≤ 10)"},
    "plan.summary.margins.collinear": {"fr": "GVIF^(1/ddl) au-delà de 10 : {terms}",
                                       "en": "GVIF^(1/df) above 10: {terms}"},
    "plan.summary.all_computed": {"fr": "Toutes les analyses prévues ont été calculées.",
                                  "en": "Every planned analysis was computed."},
})

# power context of the hypotheses (plan/sections/power_context.py)
LABELS.update({
    "plan.power_context.column": {"fr": "Puissance (effet prévu)", "en": "Power (planned effect)"},
    "plan.power_context.note_power_run": {
        "fr": "Puissance : part des réplications simulées (power_run) où l'hypothèse est soutenue, au nombre de "
              "dyades simulé le plus proche de celui de l'échantillon.",
        "en": "Power: share of the simulated replicates (power_run) in which the hypothesis is supported, at the "
              "simulated number of dyads nearest to the sample's."},
    "plan.power_context.note_analytic": {
        "fr": "Puissance : test de Wald pour le rapport de cotes prévu (planned_or) sur les entreprises de "
              "l'échantillon, unilatéral au seuil non ajusté, sans tenir compte des dyades : une borne haute.",
        "en": "Power: Wald test at the planned odds ratio (planned_or) on the sample's firms, one-sided at the "
              "unadjusted level, ignoring the dyads: an upper bound."},
    "plan.power_context.note_none": {
        "fr": "Puissance non disponible : indiquer power_run ou planned_or dans le plan.",
        "en": "Power not available: give power_run or planned_or in the plan."},
})

# methods paragraph (plan/sections/methods.py) and bibliography
LABELS.update({
    "plan.methods.title": {"fr": "Méthode", "en": "Methods"},
    "plan.methods.references_title": {"fr": "Références", "en": "References"},
    "plan.methods.lang_fr": {"fr": "français", "en": "French"},
    "plan.methods.lang_en": {"fr": "anglais", "en": "English"},
    "plan.methods.and": {"fr": " et ", "en": " and "},
    "plan.methods.sep": {"fr": " ; ", "en": "; "},
    "plan.methods.instrument": {
        "fr": "Le questionnaire mesure {n} construits par {items} items de type Likert en {low} à {high} points "
              "(items par construit : {constructs}), en {languages}.",
        "en": "The questionnaire measures {n} constructs with {items} Likert items on a {low}-to-{high} scale "
              "(items per construct: {constructs}), in {languages}."},
    "plan.methods.exclusions": {"fr": "Avant le calcul des scores, un répondant est exclu si : {rules}.",
                                "en": "Before scoring, a respondent is excluded when: {rules}."},
    "plan.methods.exclusions_none": {"fr": "Aucune règle d'exclusion n'est appliquée.",
                                     "en": "No exclusion rule is applied."},
    "plan.methods.rule_attention": {"fr": "l'item d'attention n'est pas répondu comme demandé",
                                    "en": "the attention item is not answered as instructed"},
    "plan.methods.rule_max_longstring": {"fr": "plus de {value} réponses identiques consécutives (longstring)",
                                         "en": "more than {value} identical answers in a row (longstring)"},
    "plan.methods.rule_min_irv": {"fr": "écart type intra-individuel (IRV) inférieur à {value}",
                                  "en": "within-person standard deviation (IRV) below {value}"},
    "plan.methods.rule_mahalanobis_p": {"fr": "distance de Mahalanobis de p inférieur à {value}",
                                        "en": "Mahalanobis distance with p below {value}"},
    "plan.methods.rule_min_evenodd": {"fr": "cohérence pair-impair inférieure à {value}",
                                      "en": "even-odd consistency below {value}"},
    "plan.methods.rule_missing": {"fr": "plus de {value} % des items sans réponse",
                                  "en": "more than {value}% of the items unanswered"},
    "plan.methods.rule_dyad": {"fr": "son partenaire est exclu", "en": "the partner is excluded"},
    "plan.methods.min_share": {"fr": "Un score de construit exige au moins {share} % de ses items répondus.",
                               "en": "A construct score requires at least {share}% of its items answered."},
    "plan.methods.outcome_sammut": {
        "fr": "Une entreprise a franchi le cap du démarrage quand elle a dépassé son point mort et que ses scores "
              "de conscience stratégique (AWARE) et de transfert organisationnel (TRANSF) atteignent au moins "
              "{aware} et {transf} (Sammut, 1995).",
        "en": "A firm has crossed the start-up phase when it has passed break-even and its strategic awareness "
              "(AWARE) and organisational transfer (TRANSF) scores reach at least {aware} and {transf} "
              "(Sammut, 1995)."},
    "plan.methods.outcome_breakeven": {
        "fr": "Une entreprise a franchi le cap du démarrage quand elle a dépassé son point mort.",
        "en": "A firm has crossed the start-up phase when it has passed break-even."},
    "plan.methods.scales_feldt": {
        "fr": "La fiabilité est estimée par l'alpha de Cronbach (1951), avec l'intervalle de Feldt et al. (1987), "
              "et l'oméga de McDonald (1999).",
        "en": "Reliability is estimated by Cronbach's (1951) alpha, with the interval of Feldt et al. (1987), and "
              "McDonald's (1999) omega."},
    "plan.methods.scales_bootstrap": {
        "fr": "La fiabilité est estimée par l'alpha de Cronbach (1951), avec un intervalle bootstrap ({boot} "
              "tirages), et l'oméga de McDonald (1999).",
        "en": "Reliability is estimated by Cronbach's (1951) alpha, with a bootstrap interval ({boot} "
              "resamples), and McDonald's (1999) omega."},
    "plan.methods.factorability": {
        "fr": "La factorisabilité est examinée par le KMO (Kaiser, 1974), le test de Bartlett (1950) et "
              "l'analyse parallèle (Horn, 1965 ; {iter} itérations).",
        "en": "Factorability is examined with the KMO (Kaiser, 1974), Bartlett's (1950) test and parallel "
              "analysis (Horn, 1965; {iter} iterations)."},
    "plan.methods.cfa_ML": {
        "fr": "Une analyse factorielle confirmatoire (un facteur par construit) est estimée par maximum de "
              "vraisemblance ({missing}), avec les conventions de lavaan (Rosseel, 2012) et de psych (Revelle, "
              "2022) ; l'ajustement est lu selon Hu et Bentler (1999), la validité convergente et discriminante "
              "par l'AVE, le critère de Fornell et Larcker (1981) et le HTMT (Henseler et al., 2015).",
        "en": "A confirmatory factor analysis (one factor per construct) is estimated by maximum likelihood "
              "({missing}), following the conventions of lavaan (Rosseel, 2012) and psych (Revelle, 2022); fit "
              "is read after Hu and Bentler (1999), convergent and discriminant validity by the AVE, the Fornell "
              "and Larcker (1981) criterion and the HTMT (Henseler et al., 2015)."},
    "plan.methods.cfa_MLR": {
        "fr": "Une analyse factorielle confirmatoire (un facteur par construit) est estimée par maximum de "
              "vraisemblance robuste (MLR : erreurs types de Huber-White et test de Yuan et Bentler, 2000 ; "
              "{missing}), avec les conventions de lavaan (Rosseel, 2012) et de psych (Revelle, 2022) ; "
              "l'ajustement est lu selon Hu et Bentler (1999), la validité convergente et discriminante par "
              "l'AVE, le critère de Fornell et Larcker (1981) et le HTMT (Henseler et al., 2015).",
        "en": "A confirmatory factor analysis (one factor per construct) is estimated by robust maximum "
              "likelihood (MLR: Huber-White standard errors and the Yuan & Bentler, 2000, test; {missing}), "
              "following the conventions of lavaan (Rosseel, 2012) and psych (Revelle, 2022); fit is read after "
              "Hu and Bentler (1999), convergent and discriminant validity by the AVE, the Fornell and Larcker "
              "(1981) criterion and the HTMT (Henseler et al., 2015)."},
    "plan.methods.cfa_MLM": {
        "fr": "Une analyse factorielle confirmatoire (un facteur par construit) est estimée par maximum de "
              "vraisemblance avec la correction de Satorra et Bentler (1994) (MLM ; {missing}), avec les "
              "conventions de lavaan (Rosseel, 2012) et de psych (Revelle, 2022) ; l'ajustement est lu selon Hu "
              "et Bentler (1999), la validité convergente et discriminante par l'AVE, le critère de Fornell et "
              "Larcker (1981) et le HTMT (Henseler et al., 2015).",
        "en": "A confirmatory factor analysis (one factor per construct) is estimated by maximum likelihood with "
              "the Satorra and Bentler (1994) correction (MLM; {missing}), following the conventions of lavaan "
              "(Rosseel, 2012) and psych (Revelle, 2022); fit is read after Hu and Bentler (1999), convergent "
              "and discriminant validity by the AVE, the Fornell and Larcker (1981) criterion and the HTMT "
              "(Henseler et al., 2015)."},
    "plan.methods.missing_fiml": {"fr": "information complète pour les réponses manquantes",
                                  "en": "full information for missing answers"},
    "plan.methods.missing_listwise": {"fr": "cas complets", "en": "complete cases"},
    "plan.methods.invariance": {
        "fr": "L'invariance configurale, métrique et scalaire selon {by} est jugée par les écarts de CFI et de "
              "RMSEA (Chen, 2007).",
        "en": "Configural, metric and scalar invariance across {by} is judged by the changes in CFI and RMSEA "
              "(Chen, 2007)."},
    "plan.methods.typology": {
        "fr": "Chaque dyade est classée dans une des quatre configurations par la règle nette des quadrants, au "
              "seuil {cut} de l'échelle de {low} à {high} (lien : moyenne des deux partenaires sur LINK ; "
              "intérêt : {asymmetry}), un score au seuil comptant comme haut ; des appartenances floues sont "
              "calculées avec le seuil comme point de croisement.",
        "en": "Each dyad is classified into one of the four configurations by the crisp quadrant rule at the cut "
              "{cut} of the {low}-to-{high} scale (link: mean of the two partners' LINK; interest: {asymmetry}), "
              "a score at the cut counting as high; fuzzy memberships use the cut as crossover."},
    "plan.methods.asymmetry_perceived": {"fr": "symétrie perçue, SYM", "en": "perceived symmetry, SYM"},
    "plan.methods.asymmetry_dep_asymmetry": {"fr": "écart de dépendance entre partenaires, DEP",
                                             "en": "difference in dependence between the partners, DEP"},
    "plan.methods.asymmetry_both": {"fr": "symétrie perçue et écart de dépendance",
                                    "en": "perceived symmetry and difference in dependence"},
    "plan.methods.cluster": {
        "fr": "Un contrôle par classification automatique ({methods}) choisit k entre 1 et {k_max} (BIC, "
              "silhouette de Rousseeuw, 1987, statistique gap de Tibshirani et al., 2001), compare la partition "
              "en {k} groupes à la règle théorique par l'ARI (Hubert et Arabie, 1985 ; {n_perm} permutations) et "
              "en mesure la stabilité sur {n_boot} rééchantillonnages (Hennig, 2007).",
        "en": "A cluster check ({methods}) chooses k between 1 and {k_max} (BIC, Rousseeuw's, 1987, silhouette, "
              "the gap statistic of Tibshirani et al., 2001), compares the {k}-cluster partition with the theory "
              "rule by the ARI (Hubert & Arabie, 1985; {n_perm} permutations) and measures its stability over "
              "{n_boot} resamples (Hennig, 2007)."},
    "plan.methods.cluster_subsample": {
        "fr": "Avec {n} dyades, la méthode de Ward, la statistique gap, le rééchantillonnage de stabilité et "
              "l'intervalle de l'ARI utilisent un sous-échantillon aléatoire de {size} dyades (graine {seed}, flux "
              "« subsample ») ; les classes de Ward sont étendues aux autres dyades par le centroïde le plus "
              "proche, et les k-moyennes, les mélanges gaussiens, le BIC et l'ARI utilisent toutes les dyades.",
        "en": "With {n} dyads, Ward's method, the gap statistic, the stability resampling and the ARI interval use "
              "a random subsample of {size} dyads (seed {seed}, stream 'subsample'); Ward's clusters are extended "
              "to the other dyads by the nearest centroid, and k-means, the Gaussian mixtures, BIC and the ARI use "
              "every dyad."},
    "plan.methods.cluster_kmeans": {"fr": "k-moyennes", "en": "k-means"},
    "plan.methods.cluster_ward": {"fr": "classification hiérarchique de Ward (1963)",
                                  "en": "Ward's (1963) hierarchical clustering"},
    "plan.methods.cluster_gmm": {"fr": "mélanges gaussiens (Fraley et Raftery, 2002)",
                                 "en": "Gaussian mixtures (Fraley & Raftery, 2002)"},
    "plan.methods.models": {
        "fr": "Le franchissement est modélisé par régression logistique : {models}.",
        "en": "Crossing is modelled by logistic regression: {models}."},
    "plan.methods.reference": {"fr": "référence {factor} : {level}", "en": "reference {factor}: {level}"},
    "plan.methods.standardized": {"fr": "centrés réduits : {terms}", "en": "standardized: {terms}"},
    "plan.methods.used_ml": {"fr": "maximum de vraisemblance", "en": "maximum likelihood"},
    "plan.methods.used_firth": {"fr": "vraisemblance pénalisée de Firth", "en": "Firth's penalized likelihood"},
    "plan.methods.used_gee": {"fr": "GEE", "en": "GEE"},
    "plan.methods.cluster_se": {
        "fr": "Les erreurs types sont robustes à la grappe (dyade), les deux entreprises d'une alliance n'étant "
              "pas indépendantes.",
        "en": "Standard errors are cluster-robust (dyad), since the two firms of an alliance are not "
              "independent."},
    "plan.methods.firth": {
        "fr": "La vraisemblance pénalisée de Firth (1993 ; Heinze et Schemper, 2002) remplace le maximum de "
              "vraisemblance en cas de séparation ou de moins de {epv} événements par paramètre.",
        "en": "Firth's (1993; Heinze & Schemper, 2002) penalized likelihood replaces maximum likelihood under "
              "separation or with fewer than {epv} events per parameter."},
    "plan.methods.correction_holm": {
        "fr": "Les hypothèses confirmatoires sont testées au seuil de {alpha} (unilatéral pour une hypothèse "
              "orientée), les p étant ajustées par la méthode de Holm (1979).",
        "en": "Confirmatory hypotheses are tested at the {alpha} level (one-sided for a directional hypothesis), "
              "with p values adjusted by Holm's (1979) method."},
    "plan.methods.correction_bonferroni": {
        "fr": "Les hypothèses confirmatoires sont testées au seuil de {alpha} (unilatéral pour une hypothèse "
              "orientée), les p étant ajustées par la méthode de Bonferroni.",
        "en": "Confirmatory hypotheses are tested at the {alpha} level (one-sided for a directional hypothesis), "
              "with p values adjusted by the Bonferroni method."},
    "plan.methods.correction_none": {
        "fr": "Les hypothèses confirmatoires sont testées au seuil de {alpha} (unilatéral pour une hypothèse "
              "orientée), sans correction pour tests multiples.",
        "en": "Confirmatory hypotheses are tested at the {alpha} level (one-sided for a directional hypothesis), "
              "without correction for multiple testing."},
    "plan.methods.software": {
        "fr": "Les analyses sont faites avec alliance-stats {version} ({software}), dont les estimations sont "
              "vérifiées contre les paquets R psych, lavaan, semTools, brglm2, mclust et fpc.",
        "en": "The analyses are run with alliance-stats {version} ({software}), whose estimates are checked "
              "against the R packages psych, lavaan, semTools, brglm2, mclust and fpc."},
})

# descriptives section (plan/sections/descriptives.py)
LABELS.update({
    "plan.descriptives.title": {"fr": "Statistiques descriptives", "en": "Descriptive statistics"},
    "plan.descriptives.sd": {"fr": "ET", "en": "SD"},
    "plan.descriptives.profile_title": {"fr": "Profil de l'échantillon (répondants retenus)",
                                        "en": "Sample profile (respondents kept)"},
    "plan.descriptives.profile_note": {
        "fr": "N = {n} répondants retenus, chacun pour son entreprise. % : part des réponses données ; M et ET : "
              "moyenne et écart type. Âge de l'entreprise : années entre sa création et le début de l'alliance.",
        "en": "N = {n} respondents kept, each answering for their firm. %: share of the answers given; M and SD: "
              "mean and standard deviation. Firm age: years from founding to the start of the alliance."},
    "plan.descriptives.var.SECTOR": {"fr": "Secteur", "en": "Sector"},
    "plan.descriptives.var.LANG": {"fr": "Langue du questionnaire", "en": "Questionnaire language"},
    "plan.descriptives.var.role": {"fr": "Rôle", "en": "Role"},
    "plan.descriptives.var.EMPLOYEES": {"fr": "Effectif (personnes)", "en": "Size (people)"},
    "plan.descriptives.var.firm_age": {"fr": "Âge de l'entreprise (années)", "en": "Firm age (years)"},
    "plan.descriptives.var.FOUNDER_AGE": {"fr": "Âge du dirigeant (années)", "en": "Founder age (years)"},
    "plan.descriptives.var.FOUNDER_EXPERIENCE": {"fr": "Expérience du métier (années)",
                                                 "en": "Experience in the trade (years)"},
    "plan.descriptives.title_firm": {
        "fr": "Moyennes, écarts types et corrélations des scores et des variables de contrôle (niveau entreprise)",
        "en": "Means, standard deviations and correlations of the scores and controls (firm level)"},
    "plan.descriptives.title_dyad": {
        "fr": "Moyennes, écarts types et corrélations des scores de dyade (niveau dyade)",
        "en": "Means, standard deviations and correlations of the dyad scores (dyad level)"},
    "plan.descriptives.note_firm": {
        "fr": "N = {n} répondants (n par paire de {low} à {high}). Corrélations de Pearson ; alpha de Cronbach "
              "entre parenthèses sur la diagonale. * p < ,05 ; ** p < ,01 (bilatéral).",
        "en": "N = {n} respondents (pairwise n from {low} to {high}). Pearson correlations; Cronbach's alpha in "
              "parentheses on the diagonal. * p < .05, ** p < .01 (two-sided)."},
    "plan.descriptives.note_dyad": {
        "fr": "N = {n} dyades (n par paire de {low} à {high}) ; score de dyade : moyenne des deux partenaires. "
              "Corrélations de Pearson ; sur la diagonale, entre parenthèses, l'alpha de Cronbach de l'échelle "
              "au niveau des répondants. * p < ,05 ; ** p < ,01 (bilatéral).",
        "en": "N = {n} dyads (pairwise n from {low} to {high}); dyad score: mean of the two partners. Pearson "
              "correlations; on the diagonal, in parentheses, Cronbach's alpha of the respondent-level scale. "
              "* p < .05, ** p < .01 (two-sided)."},
})
