"""Fixed texts of the report layer in French and English.

The report's own words (captions, banners, section names, axis titles) live here so that the shared
:data:`alliance_stats.core.i18n.LABELS` keeps the domain vocabulary (configurations, constructs, verdicts).
:func:`label` looks here first, then in :data:`~alliance_stats.core.i18n.LABELS`, then falls back to the key.
"""

from __future__ import annotations

from alliance_stats.core.i18n import LABELS, check_lang

REPORT_LABELS: dict[str, dict[str, str]] = {
    # captions and report structure
    "table": {"fr": "Tableau", "en": "Table"},
    "figure": {"fr": "Figure", "en": "Figure"},
    "note": {"fr": "Note.", "en": "Note."},
    "contents": {"fr": "Sommaire", "en": "Contents"},
    "list_of_tables": {"fr": "Liste des tableaux", "en": "List of tables"},
    "list_of_figures": {"fr": "Liste des figures", "en": "List of figures"},
    "warnings": {"fr": "Avertissements", "en": "Warnings"},
    "no_warnings": {"fr": "Aucun avertissement.", "en": "No warnings."},
    "provenance": {"fr": "Provenance", "en": "Provenance"},
    "synthetic_banner_title": {"fr": "Données synthétiques", "en": "Synthetic data"},
    "synthetic_banner": {
        "fr": "Ce rapport est calculé sur des données simulées. Ses résultats ne décrivent aucune entreprise "
        "réelle et ne doivent pas être cités comme des résultats empiriques.",
        "en": "This report is computed on simulated data. Its results describe no real firm and must not "
        "be cited as empirical findings.",
    },
    "section_warnings": {"fr": "Avertissements de cette section", "en": "Warnings for this section"},
    "colon": {"fr": "\u00a0: ", "en": ": "},  # French typography: (no-break) space before a colon
    "generated_by": {"fr": "Produit par alliance-stats", "en": "Produced by alliance-stats"},
    "reversed_item": {"fr": "(I)", "en": "(R)"},
    "reversed_item_note": {"fr": "(I) item inversé", "en": "(R) reverse-keyed item"},
    # axis titles and legends
    "percent_of_answers": {"fr": "Pourcentage des réponses", "en": "Percentage of answers"},
    "factor_number": {"fr": "Numéro du facteur", "en": "Factor number"},
    "eigenvalue": {"fr": "Valeur propre", "en": "Eigenvalue"},
    "observed_eigenvalues": {"fr": "Données observées", "en": "Observed data"},
    "simulated_eigenvalues": {"fr": "Données simulées", "en": "Simulated data"},
    "kaiser_line": {"fr": "Valeur propre = 1", "en": "Eigenvalue = 1"},
    "factors_retained": {"fr": "Facteurs retenus", "en": "Factors retained"},
    "odds_ratio_ci": {"fr": "Rapport de cotes (IC à 95 %, échelle log)",
                      "en": "Odds ratio (95% CI, log scale)"},
    "predicted_probability": {"fr": "Probabilité prédite de franchir le démarrage",
                              "en": "Predicted probability of crossing the start-up phase"},
    "configuration": {"fr": "Configuration", "en": "Configuration"},
    "number_of_clusters": {"fr": "Nombre de groupes (k)", "en": "Number of clusters (k)"},
    "sample_size": {"fr": "Taille d'échantillon (N)", "en": "Sample size (N)"},
    "power": {"fr": "Puissance", "en": "Power"},
    "target_power": {"fr": "Puissance visée", "en": "Target power"},
    "model": {"fr": "Modèle", "en": "Model"},
    # usual cluster-selection criteria
    "bic": {"fr": "BIC", "en": "BIC"},
    "aic": {"fr": "AIC", "en": "AIC"},
    "icl": {"fr": "ICL", "en": "ICL"},
    "silhouette": {"fr": "Silhouette moyenne", "en": "Mean silhouette"},
    "calinski_harabasz": {"fr": "Calinski-Harabasz", "en": "Calinski-Harabasz"},
    "davies_bouldin": {"fr": "Davies-Bouldin", "en": "Davies-Bouldin"},
    "gap": {"fr": "Statistique gap", "en": "Gap statistic"},
    "wss": {"fr": "Inertie intra-groupe", "en": "Within-cluster sum of squares"},
    "stability": {"fr": "Stabilité (Jaccard)", "en": "Stability (Jaccard)"},
}


def label(key: str, lang: str, default: str | None = None) -> str:
    """Text of ``key`` in ``lang``: report labels first, then the shared domain labels.

    >>> label("table", "fr")
    'Tableau'
    >>> label("entraide", "en")
    'Mutual aid'
    >>> label("LINK_1", "fr")
    'LINK_1'
    """
    check_lang(lang)
    entry = REPORT_LABELS.get(key) or LABELS.get(key)
    if entry is None:
        return key if default is None else default
    return entry[lang]
