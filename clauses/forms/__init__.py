"""WTForms classes, one module per area (same names as views/). They check shape only."""
