"""typology stage."""
