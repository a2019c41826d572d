"""French and English labels: labels shared by every stage: configurations, dyad scores, verdicts."""

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
}
