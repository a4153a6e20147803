"""Statements to observations to one series per measure: what each statement file says, the reconciliation of conflicting figures, and the daily estimates with intervals between the figures kept."""
