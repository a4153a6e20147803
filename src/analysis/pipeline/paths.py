"""Where the project's folders are, computed from this file's location.

The package is installed editable from the project root (``src/analysis/pipeline/paths.py``), so the root
is three folders up (unless ``AZMINE_ROOT`` says otherwise). Notebooks, tests and papermill runs all resolve the same folders whatever their
working directory.
"""

import os
from pathlib import Path

#: The project root. AZMINE_ROOT points the package at another copy of the project's data, notebooks and
#: outputs (the new-release test regenerates a temporary copy this way); by default, this checkout.
ROOT = Path(os.environ.get("AZMINE_ROOT") or Path(__file__).resolve().parents[3]).resolve()
DATA = ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"
DESCRIPTOR = RAW / "datapackage.json"

if not (RAW / "datapackage.json").is_file():  # pragma: no cover - only when installed non-editable
    raise ImportError(
        f"analysis.pipeline.paths: no data/raw/datapackage.json under {ROOT}; install the package editable "
        "from the project root (`make env`, i.e. pip install -e .)"
    )
