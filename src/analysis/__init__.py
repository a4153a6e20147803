"""Landmine casualties and mine clearance in Azerbaijan: data loading, validation and analysis.

Modules:
    paths      where the project's folders are, from this package's own location
    data       load and validate the raw data package (data/raw) into typed DataFrames
    overview   statement timeline, coverage and flags (notebook 00)
    figures    the one helper that styles and saves every figure
    notebooks  run notebooks with papermill and strip volatile metadata
    params     checks of notebook parameters with clear messages
    datadict   the data dictionary in data/README.md, generated from datapackage.json
"""

__version__ = "0.1.0"
