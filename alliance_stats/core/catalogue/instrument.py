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
    # ---- survey exports (instrument/export.py)
    "instrument.export.agree_instruction": {
        "fr": "Dites à quel point vous êtes d'accord avec chaque phrase.",
        "en": "Say how much you agree with each statement.",
    },
    "instrument.export.only_if": {"fr": "seulement si", "en": "only if"},
    "instrument.export.and": {"fr": "et", "en": "and"},
    "instrument.export.or": {"fr": "ou", "en": "or"},
    "instrument.export.not": {"fr": "non", "en": "not"},
    "instrument.export.ticked": {"fr": "cochée", "en": "ticked"},
    "instrument.export.several": {"fr": "plusieurs réponses possibles", "en": "tick all that apply"},
    "instrument.export.year": {"fr": "année", "en": "year"},
    "instrument.export.number": {"fr": "nombre", "en": "number"},
    "instrument.export.statement": {"fr": "Affirmation", "en": "Statement"},
    "instrument.export.int_range": {
        "fr": "Entrez un nombre entier entre {lo} et {hi}.",
        "en": "Enter a whole number between {lo} and {hi}.",
    },
    "instrument.export.int_min": {
        "fr": "Entrez un nombre entier supérieur ou égal à {lo}.",
        "en": "Enter a whole number of at least {lo}.",
    },
    "instrument.export.year_range": {
        "fr": "Entrez une année entre {lo} et l'année en cours.",
        "en": "Enter a year between {lo} and the current year.",
    },
    "instrument.export.email": {"fr": "Entrez une adresse électronique valide.", "en": "Enter a valid e-mail address."},
    "instrument.export.end": {"fr": "Merci pour votre participation.", "en": "Thank you for taking part."},
}
