"""French and English labels: the instrument and its exports."""

LABELS: dict[str, dict[str, str]] = {}
