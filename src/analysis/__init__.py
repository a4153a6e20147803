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


def software_versions() -> str:
    """'Python 3.11.7; pandas 3.1.1; matplotlib ...; seaborn ...; statsmodels ...', printed at the end of
    each notebook. Read from the installed distributions' metadata: importing seaborn and statsmodels
    only to print their versions would cost a kernel more than half a second."""
    import platform
    from importlib.metadata import version

    packages = "; ".join(f"{name} {version(name)}" for name in ("pandas", "matplotlib", "seaborn", "statsmodels"))
    return f"Python {platform.python_version()}; {packages}"
