"""French and English labels: report rendering: headings, captions."""

LABELS: dict[str, dict[str, str]] = {}
