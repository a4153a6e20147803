"""Mine clearance since the ceasefire: the series by scope, monthly rates and cross-checks, rates per hectare, years to completion."""
