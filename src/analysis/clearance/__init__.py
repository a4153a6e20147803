"""Mine clearance since the ceasefire: the series by operator scope, monthly rates and their cross-checks, the rate's trend, items and casualties per hectare, and the years to completion."""
