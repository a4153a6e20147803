"""Statements to observations to one series per measure: what each statement file says, the reconciliation, the daily estimates."""
