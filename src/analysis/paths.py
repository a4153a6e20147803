"""Where the project's folders are, computed from this file's location.

The package is installed editable from the project root (``src/analysis/paths.py``), so the root is
two folders up. Notebooks, tests and papermill runs all resolve the same folders whatever their
working directory.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"
DESCRIPTOR = RAW / "datapackage.json"

if not (RAW / "datapackage.json").is_file():  # pragma: no cover - only when installed non-editable
    raise ImportError(
        f"analysis.paths: no data/raw/datapackage.json under {ROOT}; install the package editable "
        "from the project root (`make env`, i.e. pip install -e .)"
    )
