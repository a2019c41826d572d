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
