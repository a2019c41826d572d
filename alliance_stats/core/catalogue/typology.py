"""French and English labels: classification, fuzzy sets, cluster check, map."""

LABELS: dict[str, dict[str, str]] = {
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
}
LABELS.update({
    # agreement of a partition with the theory (partition_agreement)
    "typology.agreement.ari": {"fr": "ARI", "en": "ARI"},
    "typology.agreement.p_value": {"fr": "p (ARI)", "en": "p (ARI)"},
    "typology.agreement.kappa": {"fr": "Kappa*", "en": "Kappa*"},
    "typology.agreement.accuracy": {"fr": "Exactitude*", "en": "Accuracy*"},
    "typology.agreement.n": {"fr": "n", "en": "n"},
    "typology.agreement.title": {"fr": "Accord de la partition avec la théorie",
                                 "en": "Agreement of the partition with the theory"},
    "typology.agreement.note": {
        "fr": "ARI : indice de Rand ajusté (sans appariement des étiquettes) ; p issu de {n_perm} permutations des "
              "étiquettes théoriques. *Kappa et exactitude après appariement hongrois : optimistes, car "
              "l'appariement les maximise.",
        "en": "ARI: adjusted Rand index (no label matching needed); p from {n_perm} permutations of the theory "
              "labels. *Kappa and accuracy after Hungarian matching: optimistic, because the matching maximises "
              "them.",
    },
    "typology.agreement.confusion_title": {"fr": "Groupes par étiquette théorique",
                                           "en": "Clusters by theory label"},
    # column headers of the cluster check tables
    "typology.col.method": {"fr": "Méthode", "en": "Method"},
    "typology.col.k": {"fr": "k", "en": "k"},
    "typology.col.bic": {"fr": "BIC", "en": "BIC"},
    "typology.col.covariance_type": {"fr": "Covariance", "en": "Covariance"},
    "typology.col.silhouette": {"fr": "Silhouette", "en": "Silhouette"},
    "typology.col.calinski_harabasz": {"fr": "Calinski-Harabasz", "en": "Calinski-Harabasz"},
    "typology.col.gap": {"fr": "Gap", "en": "Gap"},
    "typology.col.gap_se": {"fr": "ET(gap)", "en": "SE(gap)"},
    "typology.col.gap_tibshirani": {"fr": "Gap (Tibshirani, 2001)", "en": "Gap (Tibshirani 2001)"},
    "typology.col.gap_first_se_max": {"fr": "Gap (firstSEmax)", "en": "Gap (firstSEmax)"},
    "typology.col.ari": {"fr": "ARI", "en": "ARI"},
    "typology.col.ari_p": {"fr": "p (ARI)", "en": "p (ARI)"},
    "typology.col.ari_ci_low": {"fr": "ARI 2,5 %", "en": "ARI 2.5%"},
    "typology.col.ari_ci_high": {"fr": "ARI 97,5 %", "en": "ARI 97.5%"},
    "typology.col.kappa": {"fr": "Kappa*", "en": "Kappa*"},
    "typology.col.accuracy": {"fr": "Exactitude*", "en": "Accuracy*"},
    "typology.col.min_jaccard": {"fr": "Min. Jaccard", "en": "Min. Jaccard"},
    "typology.col.mean_jaccard": {"fr": "Jaccard moyen", "en": "Mean Jaccard"},
    "typology.col.cluster": {"fr": "Groupe", "en": "Cluster"},
    "typology.col.configuration": {"fr": "Configuration", "en": "Configuration"},
    "typology.col.n": {"fr": "n", "en": "n"},
    "typology.col.dissolved": {"fr": "Dissous", "en": "Dissolved"},
    "typology.col.recovered": {"fr": "Retrouvés", "en": "Recovered"},
    "typology.col.reading": {"fr": "Lecture (Hennig)", "en": "Reading (Hennig)"},
    "typology.col.quadrant": {"fr": "Quadrant du centre", "en": "Quadrant of the centre"},
    "typology.col.in_quadrant": {"fr": "Dans son quadrant", "en": "In its quadrant"},
    "typology.col.k_selected": {"fr": "k retenu", "en": "k selected"},
    "typology.col.agreement": {"fr": "Accord", "en": "Agreement"},
    "typology.col.stable": {"fr": "Stable", "en": "Stable"},
    "typology.col.centroids": {"fr": "Position des centres", "en": "Centroid pattern"},
    "typology.col.all_passed": {"fr": "Les quatre", "en": "All four"},
    # Hennig's readings of a mean Jaccard
    "typology.reading.highly stable": {"fr": "très stable", "en": "highly stable"},
    "typology.reading.stable": {"fr": "stable", "en": "stable"},
    "typology.reading.pattern": {"fr": "tendance", "en": "pattern"},
    "typology.reading.not trustworthy": {"fr": "peu fiable", "en": "not trustworthy"},
    # cluster check tables: titles and notes
    "typology.k_selection.title": {"fr": "Choix du nombre de groupes", "en": "Choice of the number of clusters"},
    "typology.k_selection.note": {
        "fr": "BIC : plus petit = meilleur (signe de scikit-learn ; mclust donne le même nombre de signe opposé). "
              "Mélange gaussien : plus petit BIC parmi les types de covariance essayés ; k-moyennes et Ward : BIC de "
              "classification de la partition (groupes sphériques, une variance). Silhouette et Calinski-Harabasz : "
              "plus grand = meilleur, non définis pour k = 1. Gap : Tibshirani et al. (2001), distances au carré, "
              "{gap_b} jeux de référence uniformes (boîte des composantes principales, comme "
              "cluster::clusGap de R).",
        "en": "BIC: lower is better (scikit-learn sign; mclust reports the same number with the opposite sign). "
              "Gaussian mixture: lowest BIC over the covariance types tried; k-means and Ward: classification BIC "
              "of the partition (spherical clusters, one variance). Silhouette and Calinski-Harabasz: higher is "
              "better, undefined for k = 1. Gap: Tibshirani et al. (2001), squared distances, {gap_b} uniform "
              "reference sets (principal-component box, as R cluster::clusGap).",
    },
    "typology.k_picks.title": {"fr": "Nombre de groupes retenu par chaque critère",
                               "en": "Number of clusters picked by each criterion"},
    "typology.k_picks.note": {
        "fr": "BIC : minimum ; silhouette et Calinski-Harabasz : maximum ; gap : règle de Tibshirani (2001) (plus "
              "petit k tel que Gap(k) >= Gap(k+1) - ET(k+1)) et règle firstSEmax par défaut de cluster::maxSE (R).",
        "en": "BIC: minimum; silhouette and Calinski-Harabasz: maximum; gap: Tibshirani's 2001 rule (smallest k "
              "with Gap(k) >= Gap(k+1) - SE(k+1)) and R cluster::maxSE's default firstSEmax.",
    },
    "typology.cluster_agreement.title": {"fr": "Accord des groupes avec la théorie, et stabilité",
                                         "en": "Agreement of the clusters with the theory, and stability"},
    "typology.cluster_agreement.note": {
        "fr": "ARI : indice de Rand ajusté avec la classification théorique (sans appariement des étiquettes) ; p "
              "issu de {n_perm} permutations des étiquettes théoriques ; intervalle percentile à {level} % "
              "sur les {n_boot} rééchantillonnages de stabilité. *Kappa et exactitude après "
              "appariement hongrois des groupes aux configurations : optimistes, car l'appariement les maximise. "
              "Jaccard : moyenne par groupe sur les rééchantillonnages (fpc::clusterboot) ; Hennig (2007) : < ,60 "
              "peu fiable, ,60-,75 tendance, >= ,75 stable, >= ,85 très stable.",
        "en": "ARI: adjusted Rand index with the theory-driven classification (no label matching needed); p from "
              "{n_perm} permutations of the theory labels; {level}% percentile interval from the "
              "{n_boot} stability resamples. *Kappa and accuracy after Hungarian matching of clusters "
              "to configurations: optimistic, because the matching maximises them. Jaccard: clusterwise mean over "
              "the resamples (fpc::clusterboot); Hennig (2007): < .60 not trustworthy, .60-.75 a pattern, >= .75 "
              "stable, >= .85 highly stable.",
    },
    "typology.crosstab.title": {"fr": "Groupes par configuration théorique",
                                "en": "Clusters by theory-driven configuration"},
    "typology.crosstab.note": {
        "fr": "Lignes : groupes et configuration appariée (appariement hongrois) ; colonnes : classification nette.",
        "en": "Rows: clusters with the configuration they are matched to (Hungarian matching); columns: the crisp "
              "classification.",
    },
    "typology.stability.title": {"fr": "Stabilité de chaque groupe au rééchantillonnage",
                                 "en": "Stability of each cluster under resampling"},
    "typology.stability.note": {
        "fr": "{n_boot} rééchantillonnages avec remise, doublons retirés, chacun regroupé à nouveau "
              "(fpc::clusterboot, bootmethod = \"boot\"). Dissous : rééchantillonnages de Jaccard <= ,50 ; "
              "retrouvés : > ,75.",
        "en": "{n_boot} resamples with replacement, duplicates removed, each clustered again (fpc::clusterboot, "
              "bootmethod = \"boot\"). Dissolved: resamples with Jaccard <= .50; recovered: > .75.",
    },
    "typology.centroids.title": {"fr": "Centres des groupes sur l'échelle d'origine",
                                 "en": "Cluster centres on the original scale"},
    "typology.centroids.note": {
        "fr": "Quadrant de chaque centre selon la règle nette (seuils : {cuts} ; une valeur au seuil compte "
              "comme élevée).",
        "en": "Quadrant of each centre by the crisp rule (cuts: {cuts}; a value at the cut counts as high).",
    },
    "typology.verdict.title": {"fr": "Vérification de la typologie par les groupes : {verdict}",
                               "en": "Cluster check of the typology: {verdict}"},
    # reasons of the verdict
    "typology.none": {"fr": "aucun", "en": "none"},
    "typology.verdict.k_selection": {"fr": "Choix de k (théorie : k = {k}) : le BIC retient k = {bic}",
                                     "en": "k selection (theory: k = {k}): BIC picks k = {bic}"},
    "typology.verdict.k_selection_gap": {
        "fr": " ; la statistique gap (règle de Tibshirani, 2001) retient k = {gap}",
        "en": "; the gap statistic (Tibshirani 2001 rule) picks k = {gap}",
    },
    "typology.verdict.agreement": {"fr": "Accord avec la théorie (ARI >= ,65 et p < ,05 requis) : ",
                                   "en": "Agreement with the theory (ARI >= .65 and p < .05 required): "},
    "typology.verdict.no_theory": {"fr": "Pas d'étiquettes théoriques : accord et position des centres non évalués",
                                   "en": "No theory labels: agreement and centroid pattern not assessed"},
    "typology.verdict.stability": {"fr": "Plus petit Jaccard moyen par groupe (>= ,75 requis, Hennig 2007) : ",
                                   "en": "Smallest clusterwise mean Jaccard (>= .75 required, Hennig 2007): "},
    "typology.verdict.clusters_found": {"fr": "{method} : {n} groupes trouvés", "en": "{method}: {n} clusters found"},
    "typology.verdict.no_configuration": {"fr": "aucune configuration", "en": "no configuration"},
    "typology.verdict.off_quadrant": {"fr": "{method} : le groupe {cluster} ({matched}) est dans le quadrant {where}",
                                      "en": "{method}: cluster {cluster} ({matched}) lies in the {where} quadrant"},
    "typology.verdict.centroids": {"fr": "Position des centres : ", "en": "Centroid pattern: "},
    "typology.verdict.centroids_ok": {
        "fr": "Position des centres : chaque centre est dans le quadrant de sa configuration",
        "en": "Centroid pattern: every centroid lies in its matched configuration's quadrant",
    },
    "typology.verdict.centroids_na": {
        "fr": "Position des centres non évaluée : les variables ou étiquettes ne définissent pas les quadrants lien "
              "x symétrie",
        "en": "Centroid pattern not assessed: the variables or labels do not define the link x symmetry quadrants",
    },
    "typology.verdict.no_structure": {
        "fr": "{n_single} des {n_capable} critères capables de retenir un seul groupe retiennent k = 1 : les "
              "données ne montrent pas de structure en groupes",
        "en": "{n_single} of {n_capable} selection criteria able to choose a single cluster choose k = 1: the data "
              "show no cluster structure",
    },
    "typology.verdict.chance": {
        "fr": "Aucune méthode ne s'accorde avec la théorie au-delà du hasard (p >= ,05 partout)",
        "en": "No method agrees with the theory beyond chance (every permutation p >= .05)",
    },
    "typology.verdict.passed": {
        "fr": "{n_passed} méthode(s) sur {n_methods} passent les quatre contrôles ({needed} requises pour "
              "« soutenue »)",
        "en": "{n_passed} of {n_methods} methods pass all four checks ({needed} needed for 'supported')",
    },
    # crisp and fuzzy counts, sufficiency
    "typology.counts.n_crisp": {"fr": "n (règle nette)", "en": "n (crisp rule)"},
    "typology.counts.pct_crisp": {"fr": "% (règle nette)", "en": "% (crisp rule)"},
    "typology.counts.n_fuzzy": {"fr": "n (appartenance floue > ,5)", "en": "n (fuzzy membership > .5)"},
    "typology.counts.pct_fuzzy": {"fr": "% (floue)", "en": "% (fuzzy)"},
    "typology.counts.sum_fuzzy": {"fr": "Somme des appartenances", "en": "Sum of memberships"},
    "typology.counts.n_agree": {"fr": "n (deux règles)", "en": "n (both rules)"},
    "typology.counts.title": {"fr": "Effectifs des configurations selon la règle nette et la règle floue",
                              "en": "Configuration counts under the crisp and the fuzzy rule"},
    "typology.counts.note": {
        "fr": "Règle nette : quadrant du plan lien x symétrie (un score égal au seuil compte comme élevé). "
              "Règle floue : calibrage direct de Ragin (2008) ; une dyade appartient à une configuration "
              "quand son appartenance dépasse ,5. Une dyade exactement au point de bascule (appartenance ,5) "
              "n'est classée par aucune règle floue.",
        "en": "Crisp rule: quadrant of the link x symmetry plane (a score at the cut counts as high). Fuzzy "
              "rule: Ragin's (2008) direct calibration; a dyad belongs to a configuration when its membership "
              "exceeds .5. A dyad exactly at a crossover (membership .5) is placed by no fuzzy rule.",
    },
    "typology.sufficiency.n_members": {"fr": "n (appartenance > ,5)", "en": "n (membership > .5)"},
    "typology.sufficiency.sum_membership": {"fr": "Somme des appartenances", "en": "Sum of memberships"},
    "typology.sufficiency.consistency": {"fr": "Cohérence", "en": "Consistency"},
    "typology.sufficiency.coverage": {"fr": "Couverture", "en": "Coverage"},
    "typology.sufficiency.title": {"fr": "Suffisance des configurations pour : {outcome}",
                                   "en": "Sufficiency of the configurations for: {outcome}"},
    "typology.sufficiency.note": {
        "fr": "N = {n}. Cohérence = somme des min(x, y) / somme des x ; couverture = somme des min(x, y) "
              "/ somme des y (Ragin, 2006). Une cohérence d'au moins ,80 est l'usage pour dire une "
              "configuration suffisante.",
        "en": "N = {n}. Consistency = sum of min(x, y) / sum of x; coverage = sum of min(x, y) / sum of "
              "y (Ragin, 2006). A consistency of at least .80 is the usual threshold for sufficiency.",
    },
    # report section
    "typology.section.title": {"fr": "Les quatre configurations", "en": "The four configurations"},
    "typology.section.map_caption": {"fr": "Carte de la typologie : dyades dans le plan lien x symétrie",
                                     "en": "Typology map: dyads in the link x symmetry plane"},
    "typology.section.k_selection_caption": {"fr": "Choix du nombre de groupes",
                                             "en": "Choosing the number of clusters"},
})
