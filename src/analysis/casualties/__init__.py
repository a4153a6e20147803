"""Casualties since the ceasefire: the series and its trend, civilians against the military, and the long run since the 1990s."""
