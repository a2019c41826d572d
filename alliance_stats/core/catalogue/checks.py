"""French and English labels: the reviewer's checks: common-method variance, nesting in dyads, robustness of the
conclusions, average marginal effects and collinearity."""

LABELS: dict[str, dict[str, str]] = {
    "checks.yes": {"fr": "oui", "en": "yes"},
    "checks.no": {"fr": "non", "en": "no"},
    "checks.value": {"fr": "Valeur", "en": "Value"},
    "checks.df": {"fr": "ddl", "en": "df"},
    "checks.model": {"fr": "Modèle", "en": "Model"},
    "checks.section.title": {"fr": "Contrôles demandés par les évaluateurs", "en": "Reviewers' checks"},
    # common-method variance (measurement/cmv.py)
    "checks.cmv.title": {"fr": "Variance commune liée à la méthode", "en": "Common-method variance"},
    "checks.cmv.check": {"fr": "Contrôle", "en": "Check"},
    "checks.cmv.criterion": {"fr": "Critère", "en": "Criterion"},
    "checks.cmv.concern": {"fr": "Problème", "en": "Concern"},
    "checks.cmv.harman_pc": {"fr": "Harman : part de la 1re composante principale",
                             "en": "Harman: share of the first principal component"},
    "checks.cmv.harman_fa": {"fr": "Harman : part du 1er facteur commun (minres)",
                             "en": "Harman: share of the first common factor (minres)"},
    "checks.cmv.chisq_diff": {"fr": "Facteur de méthode latent : Δχ² (Δddl = {df})",
                              "en": "Latent method factor: Δχ² (Δdf = {df})"},
    "checks.cmv.method_share": {"fr": "Part de variance des items due au facteur de méthode",
                                "en": "Share of item variance due to the method factor"},
    "checks.cmv.marker_r": {"fr": "Variable marqueur {item} : r_M", "en": "Marker variable {item}: r_M"},
    "checks.cmv.crit_harman": {"fr": "problème au-delà du seuil (règle a)",
                               "en": "concern above the threshold (rule a)"},
    "checks.cmv.rules": {
        "fr": "Règles : (a) Harman : part de la première composante > {harman} ; (b) facteur de méthode : p < {alpha} "
              "et part de variance ≥ {share} ; (c) marqueur : une corrélation significative ne l'est plus après "
              "correction.",
        "en": "Rules: (a) Harman: share of the first component > {harman}; (b) method factor: p < {alpha} and share "
              "of variance ≥ {share}; (c) marker: a significant correlation is no longer significant once "
              "corrected."},
    "checks.cmv.crit_info": {"fr": "pour information (psych::fa)", "en": "for information (psych::fa)"},
    "checks.cmv.crit_ulmc": {"fr": "problème si la règle b est remplie", "en": "concern if rule b holds"},
    "checks.cmv.share_improper": {"fr": "non calculée : variance du facteur de méthode négative (cas de Heywood)",
                                  "en": "not computed: negative method-factor variance (Heywood case)"},
    "checks.cmv.crit_marker": {"fr": "problème si une corrélation significative ne l'est plus après correction",
                               "en": "concern if a significant correlation is no longer significant once corrected"},
    "checks.cmv.note": {
        "fr": "n = {n} répondants, {k} items. Test de Harman : part de la variance totale des items prise par la "
              "première composante principale non tournée (celle que la plupart des articles rapportent ; le "
              "premier facteur commun de psych::fa est donné à titre d'information) ; ce test ne détecte qu'un "
              "facteur de méthode qui domine toutes les autres sources de covariance et passe presque toujours "
              "avec plusieurs construits (Podsakoff et al., 2003) : le réussir est une preuve faible. Facteur de "
              "méthode latent non mesuré (Podsakoff et al., 2003 ; Williams et al., 1989) : chaque item charge "
              "aussi sur un facteur de méthode orthogonal aux construits, charges égales ; Δχ² entre le modèle "
              "des construits et ce modèle (ML), part de variance = moyenne des charges standardisées au carré "
              "sur le facteur de méthode. Variable marqueur : correction de Lindell et Whitney (2001).",
        "en": "n = {n} respondents, {k} items. Harman's test: share of the items' total variance taken by the "
              "first unrotated principal component (the one most papers report; psych::fa's first common factor "
              "is shown for information); the test detects only a method factor that dominates every other "
              "source of covariance and almost always passes with several constructs (Podsakoff et al., 2003): "
              "passing it is weak evidence. Unmeasured latent method construct (Podsakoff et al., 2003; Williams "
              "et al., 1989): every item also loads on a method factor orthogonal to the constructs, with equal "
              "loadings; Δχ² between the construct model and this model (ML); share of variance = mean squared "
              "standardised loading on the method factor. Marker variable: Lindell and Whitney's (2001) "
              "correction."},
    "checks.cmv.verdict_flagged": {
        "fr": "Verdict : une variance commune liée à la méthode est signalée (au moins une règle est remplie) ; "
              "interpréter les corrélations entre construits avec prudence.",
        "en": "Verdict: common-method variance is flagged (at least one rule fires); read the correlations "
              "between constructs with caution."},
    "checks.cmv.verdict_clear": {
        "fr": "Verdict : aucune règle n'est remplie ; pas de signe de variance commune liée à la méthode.",
        "en": "Verdict: no rule fires; no sign of common-method variance."},
    "checks.cmv.models_title": {"fr": "Variance commune : modèle des construits et modèle avec facteur de méthode",
                                "en": "Common-method variance: construct model and model with a method factor"},
    "checks.cmv.models_note": {
        "fr": "Maximum de vraisemblance (information complète s'il manque des réponses), indices de lavaan.",
        "en": "Maximum likelihood (full information when answers are missing), lavaan's fit indices."},
    "checks.cmv.trait_model": {"fr": "Construits", "en": "Constructs"},
    "checks.cmv.ulmc_model": {"fr": "Construits + facteur de méthode", "en": "Constructs + method factor"},
    "checks.cmv.marker_title": {"fr": "Variance commune : correction par variable marqueur",
                                "en": "Common-method variance: marker-variable correction"},
    "checks.cmv.pair": {"fr": "Construits", "en": "Constructs"},
    "checks.cmv.r_adjusted": {"fr": "r corrigé", "en": "Adjusted r"},
    "checks.cmv.p_adjusted": {"fr": "p corrigé", "en": "Adjusted p"},
    "checks.cmv.marker_note": {
        "fr": "Corrélations entre scores de construits (moyennes des items). Marqueur : {item} ; r_M = {r}, la plus "
              "petite corrélation du marqueur avec un construit (0 si négative) ; r corrigé = (r - r_M) / "
              "(1 - r_M), testé avec N - 3 ddl (Lindell et Whitney, 2001).",
        "en": "Correlations between construct scores (item means). Marker: {item}; r_M = {r}, the smallest "
              "correlation of the marker with a construct (0 if negative); adjusted r = (r - r_M) / (1 - r_M), "
              "tested on N - 3 df (Lindell and Whitney, 2001)."},
    # nesting of respondents in dyads (measurement/nesting.py)
    "checks.nesting.deff": {"fr": "Effet de plan", "en": "Design effect"},
    "checks.nesting.items_title": {"fr": "Emboîtement des répondants dans les dyades : ICC(1) et effet de plan "
                                         "par item",
                                   "en": "Nesting of respondents in dyads: ICC(1) and design effect per item"},
    "checks.nesting.items_note": {
        "fr": "ICC(1) de Bliese entre les deux partenaires d'une dyade ; effet de plan = 1 + (m - 1) ICC(1), avec "
              "m = {m} répondants par dyade en moyenne ({k} dyades) : de {low} à {high}. Le seuil usuel de 2 "
              "(Muthén et Satorra, 1995) ne peut pas être atteint avec des dyades.",
        "en": "Bliese's ICC(1) between the two partners of a dyad; design effect = 1 + (m - 1) ICC(1), with m = {m} "
              "respondents per dyad on average ({k} dyads): from {low} to {high}. The usual threshold of 2 (Muthén "
              "and Satorra, 1995) cannot be reached with dyads."},
    "checks.nesting.cfa_title": {"fr": "AFC avec erreurs robustes à l'emboîtement dans les dyades",
                                 "en": "CFA with dyad-cluster-robust errors"},
    "checks.nesting.naive": {"fr": "Répondants indépendants", "en": "Respondents independent"},
    "checks.nesting.clustered": {"fr": "Grappes = dyades", "en": "Clusters = dyads"},
    "checks.nesting.chisq_scaled": {"fr": "χ² corrigé", "en": "Scaled χ²"},
    "checks.nesting.scaling": {"fr": "Facteur d'échelle", "en": "Scaling factor"},
    "checks.nesting.cfi_robust": {"fr": "CFI robuste", "en": "Robust CFI"},
    "checks.nesting.tli_robust": {"fr": "TLI robuste", "en": "Robust TLI"},
    "checks.nesting.rmsea_robust": {"fr": "RMSEA robuste", "en": "Robust RMSEA"},
    "checks.nesting.se_ratio": {"fr": "Rapport des E.-T. des charges", "en": "Loading SE ratio"},
    "checks.nesting.cfa_note": {
        "fr": "Estimateur {estimator} ; la seconde ligne est lavaan cfa(..., cluster = \"dyad_id\") : erreurs types "
              "robustes aux grappes et test de Yuan-Bentler avec les scores sommés par dyade. Rapport des E.-T. : "
              "moyenne, sur les charges libres, de l'erreur type robuste aux grappes divisée par celle qui ignore "
              "les dyades. Règle : l'emboîtement change les conclusions si le verdict d'ajustement (CFI robuste "
              "≥ ,95 et RMSEA robuste ≤ ,06) change, ou si une charge significative à ,05 ne l'est plus.",
        "en": "Estimator {estimator}; the second row is lavaan's cfa(..., cluster = \"dyad_id\"): cluster-robust "
              "standard errors and the Yuan-Bentler test with scores summed within dyads. SE ratio: mean over the "
              "free loadings of the cluster-robust standard error divided by the one ignoring the dyads. Rule: the "
              "nesting changes the conclusions if the fit verdict (robust CFI ≥ .95 and robust RMSEA ≤ .06) "
              "changes, or if a loading significant at .05 no longer is."},
    "checks.nesting.verdict_same": {"fr": "Verdict : les conclusions sur le modèle de mesure ne changent pas.",
                                    "en": "Verdict: the conclusions about the measurement model do not change."},
    "checks.nesting.verdict_changed": {
        "fr": "Verdict : l'emboîtement change les conclusions (charges qui perdent leur significativité : {lost}) ; "
              "lire la ligne robuste aux grappes.",
        "en": "Verdict: the nesting changes the conclusions (loadings that lose significance: {lost}); read the "
              "cluster-robust row."},
    "checks.nesting.verdict_none": {"fr": "Verdict : non calculé (voir les avertissements).",
                                    "en": "Verdict: not computed (see the warnings)."},
    # average marginal effects and collinearity (models/margins.py)
    "checks.ame.title": {"fr": "Effets marginaux moyens sur la probabilité de franchir le cap du démarrage",
                         "en": "Average marginal effects on the probability of crossing the start-up phase"},
    "checks.ame.term": {"fr": "Terme", "en": "Term"},
    "checks.ame.ame": {"fr": "EMM", "en": "AME"},
    "checks.ame.kind": {"fr": "Type", "en": "Kind"},
    "checks.ame.discrete": {"fr": "changement discret", "en": "discrete change"},
    "checks.ame.per_unit": {"fr": "dérivée, par unité", "en": "derivative, per unit"},
    "checks.ame.per_sd": {"fr": "dérivée, par écart-type", "en": "derivative, per SD"},
    "checks.ame.note": {
        "fr": "EMM : effet marginal moyen sur la probabilité (points de probabilité). Configuration : changement "
              "discret, moyenne sur l'échantillon de P(niveau) - P(référence) avec chaque entreprise placée dans "
              "le niveau puis dans la référence ; variable continue : moyenne de dP/dx (interactions comprises). "
              "Erreurs types par la méthode delta avec la covariance du modèle (robuste aux dyades s'il y a des "
              "grappes) ; non calculées en cas de séparation.",
        "en": "AME: average marginal effect on the probability (probability points). Configuration: discrete "
              "change, the sample mean of P(level) - P(reference) with every firm set to the level and then to the "
              "reference; continuous predictor: the mean of dP/dx (interactions included). Standard errors by the "
              "delta method with the model's covariance (dyad-cluster-robust when clustered); not computed under "
              "separation."},
    "checks.units": {"fr": "Unités : {units}.", "en": "Units: {units}."},
    "checks.unit.sd": {"fr": "un écart-type (variable standardisée)", "en": "one standard deviation (standardised)"},
    "checks.unit.firm_age": {"fr": "années (année de début de l'alliance - année de création)",
                             "en": "years (alliance start year - founding year)"},
    "checks.unit.EMPLOYEES": {"fr": "personnes employées, dirigeant compris",
                              "en": "people employed, founder included"},
    "checks.unit.FOUNDER_EXPERIENCE": {"fr": "années d'expérience du dirigeant dans le métier avant la création",
                                       "en": "years of the founder's experience in the trade before founding"},
    "checks.unit.link": {"fr": "point de l'échelle 1-7 (moyenne des items)",
                         "en": "point of the 1-7 scale (item mean)"},
    "checks.unit.symmetry": {"fr": "point de l'échelle 1-7 (moyenne des items)",
                             "en": "point of the 1-7 scale (item mean)"},
    "checks.unit.trust_shared": {"fr": "point de l'échelle 1-7 (moyenne des items)",
                                 "en": "point of the 1-7 scale (item mean)"},
    "checks.unit.trust_constrained": {"fr": "point de l'échelle 1-7 (moyenne des items)",
                                      "en": "point of the 1-7 scale (item mean)"},
    "checks.unit.dep_asymmetry": {"fr": "point de l'échelle 1-7 (|DEP(a) - DEP(b)|)",
                                  "en": "point of the 1-7 scale (|DEP(a) - DEP(b)|)"},
    "checks.vif.title": {"fr": "Colinéarité : facteurs d'inflation de la variance généralisés",
                         "en": "Collinearity: generalised variance inflation factors"},
    "checks.vif.note": {
        "fr": "VIF généralisé de Fox et Monette (1992), comme car::vif ; GVIF^(1/(2ddl)) se compare à la racine "
              "d'un VIF usuel, GVIF^(1/ddl) à un VIF (avertissement au-delà de {threshold}).",
        "en": "Fox and Monette's (1992) generalised VIF, as car::vif; GVIF^(1/(2df)) compares with the square root "
              "of a usual VIF, GVIF^(1/df) with a VIF (warning above {threshold})."},
    # robustness of the conclusions (plan/sections/checks.py)
    "checks.robust.title": {"fr": "Robustesse des conclusions : verdicts des hypothèses sous d'autres choix d'analyse",
                            "en": "Robustness of the conclusions: the hypotheses' verdicts under other analysis "
                                  "choices"},
    "checks.robust.hypothesis": {"fr": "Hypothèse", "en": "Hypothesis"},
    "checks.robust.main": {"fr": "Analyse principale", "en": "Main analysis"},
    "checks.robust.breakeven": {"fr": "Seuil de rentabilité seul", "en": "Break-even only"},
    "checks.robust.cuts_down": {"fr": "Seuils AWARE/TRANSF abaissés", "en": "AWARE/TRANSF cuts lowered"},
    "checks.robust.cuts_up": {"fr": "Seuils AWARE/TRANSF relevés", "en": "AWARE/TRANSF cuts raised"},
    "checks.robust.no_lone_partners": {"fr": "Sans les dyades à un seul partenaire",
                                       "en": "Without lone-partner dyads"},
    "checks.robust.no_exclusions": {"fr": "Sans exclusion des réponses négligentes",
                                    "en": "Without careless-response exclusions"},
    "checks.robust.fuzzy_clear": {"fr": "Membres nets des ensembles flous", "en": "Clear fuzzy-set members"},
    "checks.robust.n_firms": {"fr": "Entreprises (issue connue)", "en": "Firms (known outcome)"},
    "checks.robust.not_computed": {"fr": "non calculé", "en": "not computed"},
    "checks.robust.note": {
        "fr": "Chaque colonne refait l'analyse (préparation, modèles, hypothèses, correction pour tests multiples "
              "du plan) avec un seul choix modifié : franchissement défini par le seul seuil de rentabilité ; "
              "seuils de AWARE et TRANSF déplacés de -{shift} puis +{shift} ; sans les dyades dont un seul "
              "partenaire a répondu (ou a été exclu) ; sans aucune règle d'exclusion des réponses négligentes ; "
              "seulement les dyades dont l'appartenance floue à leur configuration est d'au moins {member} (les "
              "dyades ambiguës, proches des seuils, sont écartées ; l'appartenance floue maximale donne la même "
              "configuration que la règle nette, car les points de bascule sont les seuils). p ajusté selon le "
              "plan. † : le verdict diffère de celui de l'analyse principale.",
        "en": "Each column redoes the analysis (preparation, models, hypotheses, the plan's multiplicity "
              "correction) with one choice changed: crossing defined by break-even alone; the AWARE and TRANSF cuts"
              " moved by -{shift} and then +{shift}; without the dyads where only one partner answered (or was "
              "excluded); without any careless-response exclusion rule; only the dyads whose fuzzy membership in "
              "their configuration is at least {member} (ambiguous dyads near the cuts are set aside; the largest "
              "fuzzy membership gives the same configuration as the crisp rule, since the crossovers are the cuts)."
              " Adjusted p as in the plan. †: the verdict differs from the main analysis."},
    "checks.robust.no_flip": {"fr": "Aucun verdict ne change.", "en": "No verdict changes."},
    "checks.robust.flips": {"fr": "{n} verdict(s) change(nt) : voir les cellules marquées †.",
                            "en": "{n} verdict(s) change: see the cells marked †."},
}
