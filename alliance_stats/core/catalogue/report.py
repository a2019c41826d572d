"""French and English labels: report rendering: captions, banners, report structure, axis titles and legends.

:func:`alliance_stats.report.labels.label` looks a key up here first (``report.<key>``), then among the shared
labels.
"""

LABELS: dict[str, dict[str, str]] = {
    # captions and report structure
    "report.table": {"fr": "Tableau", "en": "Table"},
    "report.figure": {"fr": "Figure", "en": "Figure"},
    "report.note": {"fr": "Note.", "en": "Note."},
    "report.contents": {"fr": "Sommaire", "en": "Contents"},
    "report.list_of_tables": {"fr": "Liste des tableaux", "en": "List of tables"},
    "report.list_of_figures": {"fr": "Liste des figures", "en": "List of figures"},
    "report.warnings": {"fr": "Avertissements", "en": "Warnings"},
    "report.no_warnings": {"fr": "Aucun avertissement.", "en": "No warnings."},
    "report.provenance": {"fr": "Provenance", "en": "Provenance"},
    "report.synthetic_banner_title": {"fr": "Données synthétiques", "en": "Synthetic data"},
    "report.synthetic_banner": {
        "fr": "Ce rapport est calculé sur des données simulées. Ses résultats ne décrivent aucune entreprise "
        "réelle et ne doivent pas être cités comme des résultats empiriques.",
        "en": "This report is computed on simulated data. Its results describe no real firm and must not "
        "be cited as empirical findings.",
    },
    "report.section_warnings": {"fr": "Avertissements de cette section", "en": "Warnings for this section"},
    "report.colon": {"fr": "\u00a0: ", "en": ": "},  # French typography: (no-break) space before a colon
    "report.generated_by": {"fr": "Produit par alliance-stats", "en": "Produced by alliance-stats"},
    "report.reversed_item": {"fr": "(I)", "en": "(R)"},
    "report.reversed_item_note": {"fr": "(I) item inversé", "en": "(R) reverse-keyed item"},
    # axis titles and legends
    "report.percent_of_answers": {"fr": "Pourcentage des réponses", "en": "Percentage of answers"},
    "report.factor_number": {"fr": "Numéro du facteur", "en": "Factor number"},
    "report.eigenvalue": {"fr": "Valeur propre", "en": "Eigenvalue"},
    "report.observed_eigenvalues": {"fr": "Données observées", "en": "Observed data"},
    "report.simulated_eigenvalues": {"fr": "Données simulées", "en": "Simulated data"},
    "report.kaiser_line": {"fr": "Valeur propre = 1", "en": "Eigenvalue = 1"},
    "report.factors_retained": {"fr": "Facteurs retenus", "en": "Factors retained"},
    "report.odds_ratio_ci": {"fr": "Rapport de cotes (IC à 95 %, échelle log)",
                      "en": "Odds ratio (95% CI, log scale)"},
    "report.predicted_probability": {"fr": "Probabilité prédite de franchir le démarrage",
                              "en": "Predicted probability of crossing the start-up phase"},
    "report.configuration": {"fr": "Configuration", "en": "Configuration"},
    "report.number_of_clusters": {"fr": "Nombre de groupes (k)", "en": "Number of clusters (k)"},
    "report.sample_size": {"fr": "Taille d'échantillon (N)", "en": "Sample size (N)"},
    "report.power": {"fr": "Puissance", "en": "Power"},
    "report.target_power": {"fr": "Puissance visée", "en": "Target power"},
    "report.model": {"fr": "Modèle", "en": "Model"},
    # usual cluster-selection criteria
    "report.bic": {"fr": "BIC", "en": "BIC"},
    "report.aic": {"fr": "AIC", "en": "AIC"},
    "report.icl": {"fr": "ICL", "en": "ICL"},
    "report.silhouette": {"fr": "Silhouette moyenne", "en": "Mean silhouette"},
    "report.calinski_harabasz": {"fr": "Calinski-Harabasz", "en": "Calinski-Harabasz"},
    "report.davies_bouldin": {"fr": "Davies-Bouldin", "en": "Davies-Bouldin"},
    "report.gap": {"fr": "Statistique gap", "en": "Gap statistic"},
    "report.wss": {"fr": "Inertie intra-groupe", "en": "Within-cluster sum of squares"},
    "report.stability": {"fr": "Stabilité (Jaccard)", "en": "Stability (Jaccard)"},
}
