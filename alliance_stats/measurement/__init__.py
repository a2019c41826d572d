"""measurement stage."""
