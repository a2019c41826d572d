"""French and English labels: the runner's report sections: titles, notes, sentences."""

LABELS: dict[str, dict[str, str]] = {}
