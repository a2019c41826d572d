"""French and English labels: the instrument and its exports; the instrument section of the report."""

LABELS: dict[str, dict[str, str]] = {
    "instrument.section.title": {"fr": "Instrument et cas de l'article", "en": "Instrument and the paper's cases"},
    "instrument.level.dyad": {"fr": "dyade", "en": "dyad"},
    "instrument.level.firm": {"fr": "entreprise", "en": "firm"},
    "instrument.constructs.label": {"fr": "Construit", "en": "Construct"},
    "instrument.constructs.level": {"fr": "Niveau", "en": "Level"},
    "instrument.constructs.items": {"fr": "Items", "en": "Items"},
    "instrument.constructs.reverse": {"fr": "Items inversés", "en": "Reverse-keyed items"},
    "instrument.constructs.title": {"fr": "Construits de l'instrument", "en": "Constructs of the instrument"},
    "instrument.constructs.note": {
        "fr": "Échelle de réponse en {n} points, libellée en français et en anglais.",
        "en": "{n}-point response scale labelled in French and English.",
    },
    "instrument.seed_cases.paper": {"fr": "Configuration selon l'article", "en": "Configuration in the paper"},
    "instrument.seed_cases.crisp": {"fr": "Règle nette", "en": "Crisp rule"},
    "instrument.seed_cases.fuzzy": {"fr": "Appartenance floue maximale", "en": "Highest fuzzy membership"},
    "instrument.seed_cases.case": {"fr": "Cas", "en": "Case"},
    "instrument.seed_cases.title": {
        "fr": "Les quatre cas de l'article classés par la règle",
        "en": "The paper's four cases classified by the rule",
    },
    "instrument.seed_cases.note": {
        "fr": "Codage qualitatif de l'article porté sur l'échelle 1-7 (voir surveys/seed_cases.md).",
        "en": "The paper's qualitative coding placed on the 1-7 scale (see surveys/seed_cases.md).",
    },
}
