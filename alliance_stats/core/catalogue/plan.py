"""French and English labels: the runner's report sections: titles, notes, sentences."""

LABELS: dict[str, dict[str, str]] = {
    "plan.subtitle_data": {"fr": "Données : {file}", "en": "Data: {file}"},
    "plan.suppressed_note": {"fr": "Effectifs de 1 à {top} masqués (< {below}).",
                             "en": "Counts from 1 to {top} are suppressed (< {below})."},
    "plan.suppressed_complementary_note": {
        "fr": "x : effectif masqué pour qu'un petit effectif ne puisse pas être retrouvé à partir des totaux.",
        "en": "x: count suppressed so that a small count cannot be derived from the totals."},
}
