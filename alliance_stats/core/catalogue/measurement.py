"""French and English labels: item analysis, reliability, EFA, CFA, validity, invariance."""

LABELS: dict[str, dict[str, str]] = {
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
    # cfa
    "measurement.cfa.fit_title": {
        "fr": 'Analyse factorielle confirmatoire : ajustement',
        "en": 'Confirmatory factor analysis: fit',
    },
    "measurement.cfa.loadings_title": {
        "fr": 'Analyse factorielle confirmatoire : saturations',
        "en": 'Confirmatory factor analysis: loadings',
    },
    "measurement.cfa.reliability_title": {
        "fr": 'Fiabilité composite et variance moyenne extraite',
        "en": 'Composite reliability and average variance extracted',
    },
    "measurement.cfa.corr_title": {"fr": 'Corrélations entre facteurs', "en": 'Factor correlations'},
    "measurement.cfa.group": {"fr": 'Groupe', "en": 'Group'},
    "measurement.cfa.factor": {"fr": 'Facteur', "en": 'Factor'},
    "measurement.cfa.item": {"fr": 'Item', "en": 'Item'},
    "measurement.cfa.estimate": {"fr": 'Estimation', "en": 'Estimate'},
    "measurement.cfa.se": {"fr": 'ET', "en": 'SE'},
    "measurement.cfa.std": {"fr": 'Standardisée', "en": 'Standardized'},
    "measurement.cfa.p": {"fr": 'p', "en": 'p'},
    "measurement.cfa.n": {"fr": 'N', "en": 'N'},
    "measurement.cfa.ci_low": {"fr": 'RMSEA IC 90 % bas', "en": 'RMSEA 90% CI low'},
    "measurement.cfa.ci_high": {"fr": 'RMSEA IC 90 % haut', "en": 'RMSEA 90% CI high'},
    "measurement.cfa.fit_note": {
        "fr": 'Maximum de vraisemblance ({missing}) ; khi-deux = N x F_ML, RMSEA avec son intervalle de '
              'confiance à 90 %, SRMR (Bentler), AIC et BIC issus de la log-vraisemblance, comme fitMeasures '
              'de lavaan 0.6-14. Seuils usuels : CFI et TLI >= ,95, RMSEA <= ,06, SRMR <= ,08 (Hu et Bentler, '
              '1999).',
        "en": 'Maximum likelihood ({missing}); chi-square = N x F_ML, RMSEA with its 90% confidence interval, '
              'SRMR (Bentler), AIC and BIC from the log-likelihood, as lavaan 0.6-14 fitMeasures. Usual '
              'cut-offs: CFI and TLI >= .95, RMSEA <= .06, SRMR <= .08 (Hu & Bentler, 1999).',
    },
    "measurement.cfa.mlm_note": {
        "fr": 'Ligne Satorra-Bentler (estimateur MLM, comme estimator = "MLM" de lavaan) : les mêmes '
              "estimations, khi-deux divisé par le facteur d'échelle c = {c} (c > 1 : les items ont des queues "
              'plus épaisses que la loi normale), CFI, TLI et RMSEA corrigés, et erreurs types robustes dans '
              'le tableau des saturations.',
        "en": 'Satorra-Bentler row (estimator MLM, as lavaan\'s estimator = "MLM"): the same estimates with '
              'chi-square divided by the scaling factor c = {c} (c > 1: the items have heavier tails than the '
              'normal), scaled CFI, TLI and RMSEA, and robust standard errors in the loadings table.',
    },
    "measurement.cfa.mlr_note": {
        "fr": 'Ligne Yuan-Bentler (estimateur MLR, comme estimator = "MLR" de lavaan, test yuan.bentler.mplus) '
              ": les mêmes estimations, khi-deux divisé par le facteur d'échelle c = {c} (c > 1 : queues plus "
              'épaisses que la loi normale), CFI, TLI et RMSEA corrigés, et erreurs types robustes de '
              'Huber-White dans le tableau des saturations.',
        "en": 'Yuan-Bentler row (estimator MLR, as lavaan\'s estimator = "MLR", test yuan.bentler.mplus): the '
              'same estimates with chi-square divided by the scaling factor c = {c} (c > 1: heavier tails than '
              'the normal), scaled CFI, TLI and RMSEA, and Huber-White robust standard errors in the loadings '
              'table.',
    },
    "measurement.cfa.robust_note": {
        "fr": 'Indices robustes : CFI, TLI et RMSEA de Brosseau-Liard, Savalei et Li (2012, 2014), *.robust de '
              'lavaan, qui estiment sans biais les valeurs de la population hors normalité : ce sont eux à '
              'rapporter.',
        "en": "Robust indices: CFI, TLI and RMSEA of Brosseau-Liard, Savalei and Li (2012, 2014), lavaan's "
              '*.robust, which estimate the population values consistently under non-normality: report these.',
    },
    "measurement.cfa.estimator": {"fr": 'Test', "en": 'Test'},
    "measurement.cfa.ml_row": {"fr": 'MV (théorie normale)', "en": 'ML (normal theory)'},
    "measurement.cfa.mlm_row": {"fr": 'Satorra-Bentler (corrigé)', "en": 'Satorra-Bentler (scaled)'},
    "measurement.cfa.mlr_row": {"fr": 'Yuan-Bentler (corrigé)', "en": 'Yuan-Bentler (scaled)'},
    "measurement.cfa.robust_row": {"fr": 'Indices robustes', "en": 'Robust indices'},
    "measurement.cfa.listwise": {"fr": 'suppression par liste', "en": 'listwise deletion'},
    "measurement.cfa.fiml": {
        "fr": 'information complète, réponses manquantes conservées',
        "en": 'full information, missing answers kept',
    },
    "measurement.cfa.loadings_note": {
        "fr": 'Estimations non standardisées avec erreurs types ; le premier item de chaque facteur sert de '
              'marqueur (saturation fixée à 1, sans erreur type). Standardisée : std.all de lavaan.',
        "en": 'Unstandardized estimates with standard errors; the first item of each factor is the marker '
              "(loading fixed to 1, no SE). Standardized: lavaan's std.all.",
    },
    # ordinal CFA (polychoric correlations, WLSMV / DWLS / ULSMV; issue 13)
    "measurement.ordinal_cfa.dwls_row": {"fr": 'DWLS (non corrigé)', "en": 'DWLS (unscaled)'},
    "measurement.ordinal_cfa.uls_row": {"fr": 'ULS (non corrigé)', "en": 'ULS (unscaled)'},
    "measurement.ordinal_cfa.scaled_row": {"fr": '{estimator} (corrigé moyenne et variance)',
                                           "en": '{estimator} (mean and variance adjusted)'},
    "measurement.ordinal_cfa.listwise": {"fr": 'suppression par liste', "en": 'listwise deletion'},
    "measurement.ordinal_cfa.pairwise": {
        "fr": 'suppression par paire : chaque corrélation utilise les répondants des deux items',
        "en": 'pairwise deletion: each correlation uses the respondents who answered both items',
    },
    "measurement.ordinal_cfa.residual_note": {
        "fr": ' SRMR, SRMR (Bentler), CRMR, WRMR : srmr, srmr_bentler, crmr et wrmr de lavaan (résidus des '
              'corrélations, avec ou sans la diagonale et les seuils ; WRMR = racine du χ² divisé par le nombre de '
              'seuils et de corrélations).',
        "en": " SRMR, SRMR (Bentler), CRMR, WRMR: lavaan's srmr, srmr_bentler, crmr and wrmr (residuals of the "
              'correlations, with or without the diagonal and the thresholds; WRMR = square root of χ² divided by '
              'the number of thresholds and correlations).',
    },
    "measurement.ordinal_cfa.fit_note": {
        "fr": 'Voie ordinale : les items sont traités comme des catégories ordonnées ; seuils et corrélations '
              'polychoriques, estimateur {estimator} ({missing}), paramétrisation delta (variances des réponses '
              'latentes fixées à 1), comme cfa(..., ordered = TRUE, estimator = "{estimator}") de lavaan 0.6-14. '
              'Pas de AIC ni de BIC : il n\'y a pas de vraisemblance. SRMR sur les corrélations polychoriques.',
        "en": 'Ordinal route: the items are treated as ordered categories; thresholds and polychoric '
              'correlations, estimator {estimator} ({missing}), delta parameterization (latent response '
              'variances fixed to 1), as lavaan 0.6-14 cfa(..., ordered = TRUE, estimator = "{estimator}"). No '
              'AIC or BIC: there is no likelihood. SRMR on the polychoric correlations.',
    },
    "measurement.ordinal_cfa.scaled_note": {
        "fr": ' Ligne corrigée : khi-deux corrigé en moyenne et en variance (scaled-shifted, Asparouhov et Muthén '
              "2010 ; facteur d'échelle {c}), avec des erreurs types robustes (sandwich) ; indices robustes : "
              'CFI, TLI et RMSEA de Savalei (2021) pour données catégorielles, *.robust de lavaan.',
        "en": ' Adjusted row: mean-and-variance adjusted (scaled-shifted) chi-square (Asparouhov & Muthén, '
              '2010; scaling factor {c}), with robust (sandwich) standard errors; robust indices: CFI, TLI and '
              "RMSEA of Savalei (2021) for categorical data, lavaan's *.robust.",
    },
    "measurement.ordinal_cfa.route": {
        "fr": 'Voie ordinale ({estimator} sur corrélations polychoriques)',
        "en": 'Ordinal route ({estimator} on polychoric correlations)',
    },
    "measurement.ordinal_cfa.rel_title": {"fr": 'Fiabilité ordinale', "en": 'Ordinal reliability'},
    "measurement.ordinal_cfa.ordinal_alpha": {"fr": 'α ordinal', "en": 'Ordinal α'},
    "measurement.ordinal_cfa.categorical_omega": {"fr": 'ω catégoriel', "en": 'Categorical ω'},
    "measurement.ordinal_cfa.ave_latent": {"fr": 'VME (réponses latentes)', "en": 'AVE (latent responses)'},
    "measurement.ordinal_cfa.rel_note": {
        "fr": 'Voie ordinale ({estimator}) : α ordinal = alpha calculé sur la matrice des corrélations '
              'polychoriques (Zumbo, Gadermann et Zeisser, 2007) ; ω catégoriel de Green et Yang (2009), '
              "fidélité de la somme des codes observés (compRelSEM(ord.scale = TRUE) de semTools) ; VME des "
              "réponses latentes (les mêmes ω, CR et VME figurent au tableau précédent, dont l'α traite les "
              "codes comme des nombres).",
        "en": 'Ordinal route ({estimator}): ordinal α = alpha computed on the polychoric correlation matrix '
              '(Zumbo, Gadermann & Zeisser, 2007); categorical ω of Green and Yang (2009), the reliability of '
              "the sum of the observed codes (semTools compRelSEM(ord.scale = TRUE)); AVE of the latent "
              "responses (the previous table shows the same ω, CR and AVE; its α treats the codes as numbers).",
    },
    "measurement.ordinal_cfa.htmt_route": {
        "fr": 'Voie ordinale : HTMT calculé sur les corrélations polychoriques.',
        "en": 'Ordinal route: HTMT computed on the polychoric correlations.',
    },
    "measurement.ordinal_cfa.invariance_route": {
        "fr": "Les items sont traités ici comme continus ({estimator}) : l'invariance des items ordinaux (seuils, "
              "Wu et Estabrook 2016) n'a pas pu être calculée (voir les avertissements).",
        "en": 'Here the items are treated as continuous ({estimator}): the invariance of the ordinal items '
              '(thresholds, Wu & Estabrook 2016) could not be computed (see the warnings).',
    },
    "measurement.ordinal_cfa.invariance_collapsed": {
        "fr": 'Catégories vides dans un groupe fusionnées avec leur voisine dans tous les groupes : {items}.',
        "en": 'Categories empty in one group merged with their neighbour in every group: {items}.',
    },
    "measurement.ordinal_cfa.reliability_note": {
        "fr": 'Voie ordinale : oméga catégoriel de Green et Yang (2009), compRelSEM(ord.scale = TRUE) de '
              'semTools, et VME des réponses latentes (corrélations polychoriques).',
        "en": 'Ordinal route: categorical omega of Green and Yang (2009), semTools compRelSEM(ord.scale = TRUE), '
              'and AVE of the latent responses (polychoric correlations).',
    },
    "measurement.cfa.reliability_note": {
        "fr": 'Oméga : fiabilité composite comme compRelSEM de semTools 0.5-6 (variance observée du score '
              'somme) ; VME comme AVE de semTools. Seuils usuels : oméga >= ,70, VME >= ,50.',
        "en": 'Omega: composite reliability as semTools 0.5-6 compRelSEM (observed variance of the sum score); '
              'AVE as semTools AVE. Usual thresholds: omega >= .70, AVE >= .50.',
    },
    "measurement.cfa.omega": {"fr": 'Oméga', "en": 'Omega'},
    "measurement.cfa.ave": {"fr": 'VME', "en": 'AVE'},
    "measurement.cfa.sqrt_ave": {"fr": 'racine(VME)', "en": 'sqrt(AVE)'},
    "measurement.cfa.corr_note": {
        "fr": 'Corrélations latentes (covariances factorielles standardisées).',
        "en": 'Latent correlations (standardized factor covariances).',
    },
    # validity
    "measurement.validity.htmt_title": {
        "fr": 'Ratios hétérotrait-monotrait (HTMT2)',
        "en": 'Heterotrait-monotrait ratios (HTMT2)',
    },
    "measurement.validity.htmt_note": {
        "fr": 'HTMT2 comme htmt() de semTools 0.5-6 (moyennes géométriques des corrélations absolues entre '
              'items). Validité discriminante : HTMT < ,85 (strict) ou < ,90.',
        "en": 'HTMT2 as semTools 0.5-6 htmt() (geometric means of absolute item correlations). Discriminant '
              'validity: HTMT < .85 (strict) or < .90.',
    },
    "measurement.validity.fornell_larcker_title": {"fr": "Critère de Fornell et Larcker",
                                                   "en": "Fornell-Larcker criterion"},
    "measurement.validity.fornell_larcker_note": {
        "fr": 'Diagonale : racine carrée de la VME ; dessous : corrélations entre facteurs. La validité '
              'discriminante est établie quand chaque valeur diagonale dépasse les corrélations de sa ligne et '
              'de sa colonne.',
        "en": 'Diagonal: square root of the AVE; below: factor correlations. Discriminant validity holds when '
              'each diagonal value exceeds the correlations in its row and column.',
    },
    "measurement.validity.factor": {"fr": 'Facteur', "en": 'Factor'},
    # invariance
    "measurement.invariance.title": {
        "fr": 'Invariance de mesure selon {group}',
        "en": 'Measurement invariance across {group}',
    },
    "measurement.invariance.note": {
        "fr": 'AFC multigroupe (MV). Chaque modèle est comparé au précédent : test de différence du khi-deux '
              "(lavTestLRT), variation du CFI et du RMSEA. L'invariance est en général retenue quand le CFI "
              "baisse d'au plus ,010 et que le RMSEA augmente d'au plus ,015 (Chen, 2007).",
        "en": 'Multi-group CFA (ML). Each model is compared with the previous one: chi-square difference test '
              '(lavTestLRT), change in CFI and RMSEA. Invariance is usually retained when CFI drops by no more '
              'than .010 and RMSEA rises by no more than .015 (Chen, 2007).',
    },
    "measurement.invariance.note_mlr": {
        "fr": 'AFC multigroupe (MLR : erreurs types de Huber-White, khi-deux corrigé de Yuan-Bentler). Chaque '
              'modèle est comparé au précédent : différence de khi-deux corrigée de Satorra-Bentler (2001), '
              'par défaut dans lavTestLRT pour MLR, variation du CFI et du RMSEA robustes (corrigés en FIML). '
              "L'invariance est en général retenue quand le CFI baisse d'au plus ,010 et que le RMSEA augmente "
              "d'au plus ,015 (Chen, 2007).",
        "en": 'Multi-group CFA (MLR: Huber-White standard errors, Yuan-Bentler scaled chi-square). Each model '
              'is compared with the previous one: Satorra-Bentler (2001) scaled chi-square difference '
              "(lavTestLRT's default for MLR), change in the robust CFI and RMSEA (scaled ones under FIML). "
              'Invariance is usually retained when CFI drops by no more than .010 and RMSEA rises by no more '
              'than .015 (Chen, 2007).',
    },
    "measurement.invariance.model": {"fr": 'Modèle', "en": 'Model'},
    "measurement.invariance.configural": {"fr": 'Configurale', "en": 'Configural'},
    "measurement.invariance.metric": {"fr": 'Métrique (saturations)', "en": 'Metric (loadings)'},
    "measurement.invariance.scalar": {
        "fr": 'Scalaire (saturations, constantes)',
        "en": 'Scalar (loadings, intercepts)',
    },
    "measurement.invariance.strict": {"fr": 'Stricte (+ variances résiduelles)', "en": 'Strict (+ residual variances)'},
    "measurement.invariance.thresholds": {"fr": 'Seuils', "en": 'Thresholds'},
    "measurement.invariance.loadings": {"fr": 'Saturations (+ seuils)', "en": 'Loadings (+ thresholds)'},
    "measurement.invariance.intercepts": {
        "fr": 'Constantes (+ seuils, saturations)',
        "en": 'Intercepts (+ thresholds, loadings)',
    },
    "measurement.invariance.note_ordinal": {
        "fr": 'AFC multigroupe des items ordinaux ({estimator}, corrélations polychoriques de chaque groupe, '
              'paramétrisation delta). Étapes et identification de Wu et Estabrook (2016), comme '
              'measEq.syntax(ID.cat = "Wu.Estabrook.2016") de semTools : seuils, puis saturations, puis '
              "constantes égaux entre groupes. χ², p, CFI et RMSEA : valeurs corrigées (scaled-shifted) ; "
              'Δχ² : test de différence corrigé de Satorra (2000), par défaut dans lavTestLRT pour {estimator} ; '
              "ΔCFI et ΔRMSEA sur les indices corrigés. L'invariance est en général retenue quand le CFI baisse "
              "d'au plus ,010 et que le RMSEA augmente d'au plus ,015 (Chen, 2007).",
        "en": 'Multi-group CFA of the ordinal items ({estimator} on each group\'s polychoric correlations, delta '
              'parameterization). Steps and identification of Wu and Estabrook (2016), as semTools '
              'measEq.syntax(ID.cat = "Wu.Estabrook.2016"): thresholds, then loadings, then intercepts equal '
              'across groups. χ², p, CFI and RMSEA: scaled-shifted values; Δχ²: Satorra\'s (2000) scaled '
              "difference test (lavTestLRT's default for {estimator}); ΔCFI and ΔRMSEA on the scaled indices. "
              'Invariance is usually retained when CFI drops by no more than .010 and RMSEA rises by no more '
              'than .015 (Chen, 2007).',
    },
    # combined tables of the report's measurement section (measurement/tables.py)
    "measurement.construct": {"fr": "Construit", "en": "Construct"},
    "measurement.items_table.reverse": {"fr": "Inversé", "en": "Reversed"},
    "measurement.items_table.skew": {"fr": "Asymétrie", "en": "Skew"},
    "measurement.items_table.floor": {"fr": "% plancher", "en": "% floor"},
    "measurement.items_table.ceiling": {"fr": "% plafond", "en": "% ceiling"},
    "measurement.items_table.alpha_if_dropped": {"fr": "α si supprimé", "en": "α if dropped"},
    "measurement.items_table.note": {
        "fr": "Items inversés (R) recodés (min + max) - x avant calcul. r(drop) : corrélation item-total corrigée. "
              "Asymétrie et aplatissement : type 3 de psych::describe.",
        "en": "Reverse-keyed items (R) recoded as (min + max) - x first. r(drop): corrected item-total "
              "correlation. Skew and kurtosis: psych::describe type 3.",
    },
    "measurement.reliability_table.title": {"fr": "Fiabilité et validité convergente",
                                            "en": "Reliability and convergent validity"},
    "measurement.reliability_table.ci_low": {"fr": "IC 95 % bas", "en": "95% CI low"},
    "measurement.reliability_table.ci_high": {"fr": "IC 95 % haut", "en": "95% CI high"},
    "measurement.reliability_table.note": {
        "fr": "α : alpha de Cronbach brut (psych::alpha), IC {ci}. ω : semTools::compRelSEM (variance observée). "
              "CR : fiabilité composite à partir des saturations standardisées. AVE : semTools::AVE. Seuils "
              "usuels : α et CR ≥ ,70 ; AVE ≥ ,50.",
        "en": "α: raw Cronbach's alpha (psych::alpha), {ci} CI. ω: semTools::compRelSEM (observed variance). CR: "
              "composite reliability from the standardised loadings. AVE: semTools::AVE. Usual thresholds: α and "
              "CR ≥ .70; AVE ≥ .50.",
    },
    "measurement.factorability.title": {"fr": "Factorisabilité et analyse parallèle",
                                        "en": "Factorability and parallel analysis"},
    "measurement.factorability.value": {"fr": "Valeur", "en": "Value"},
    "measurement.factorability.bartlett_chisq": {"fr": "Bartlett χ²", "en": "Bartlett χ²"},
    "measurement.factorability.bartlett_df": {"fr": "Bartlett ddl", "en": "Bartlett df"},
    "measurement.factorability.bartlett_p": {"fr": "Bartlett p", "en": "Bartlett p"},
    "measurement.factorability.n_factors": {"fr": "Facteurs suggérés (analyse parallèle)",
                                            "en": "Factors suggested (parallel analysis)"},
    "measurement.factorability.n_constructs": {"fr": "Construits du modèle", "en": "Constructs in the model"},
    "measurement.factorability.n": {"fr": "n (répondants, corrélations par paires)",
                                    "en": "n (respondents, pairwise correlations)"},
    "measurement.factorability.note": {
        "fr": "KMO et Bartlett : psych::KMO et psych::cortest.bartlett. Analyse parallèle de Horn ({n_iter} "
              "tirages, 95e centile).",
        "en": "KMO and Bartlett: psych::KMO and psych::cortest.bartlett. Horn's parallel analysis ({n_iter} "
              "draws, 95th percentile).",
    },
    # the report's measurement section (plan/sections/measurement.py)
    "measurement.section.title": {"fr": "Validation des échelles", "en": "Scale validation"},
    "measurement.section.likert_caption_of": {"fr": "Réponses aux items de Likert : {constructs}",
                                              "en": "Likert answers: {constructs}"},
    "measurement.section.scree_caption": {"fr": "Éboulis des valeurs propres et analyse parallèle",
                                          "en": "Scree plot and parallel analysis"},
    "measurement.ordinal.polychoric_title": {"fr": "Corrélations polychoriques des items",
                                             "en": "Polychoric correlations of the items"},
    "measurement.ordinal.polychoric_note": {
        "fr": "Corrélations des réponses latentes normales sous-jacentes aux items ordinaux, estimées en deux "
              "étapes (seuils puis maximum de vraisemblance par paire, comme lavaan::lavCor), n = {n}.",
        "en": "Correlations of the normal latent responses behind the ordinal items, estimated in two steps "
              "(thresholds, then maximum likelihood for each pair, as lavaan::lavCor), n = {n}."},
    "measurement.ordinal.thresholds_title": {"fr": "Seuils des items ordinaux",
                                             "en": "Thresholds of the ordinal items"},
    "measurement.ordinal.thresholds_note": {
        "fr": "Seuil t_k : quantile normal de la part des réponses dans les catégories 1 à k.",
        "en": "Threshold t_k: normal quantile of the share of answers in categories 1 to k."},
}
