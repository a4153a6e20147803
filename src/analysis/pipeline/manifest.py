"""``figures/manifest.json``: every figure file with its title, caption, sources, formats and SHA-256,
the notebook and parameters that made it and the SHA-256 of its input data; and, per notebook, the
signature of its last run. Light on purpose (no matplotlib), so that a no-change ``make figures``
answers at once."""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST = "manifest.json"


def read_manifest(folder: Path | str) -> dict:
    """The manifest of a figures folder (``{"figures": {...}, "notebooks": {...}}``); empty if none."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return {"figures": {}, "notebooks": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    data.setdefault("figures", {})
    data.setdefault("notebooks", {})
    return data


def write_manifest(folder: Path | str, manifest: dict) -> None:
    """Write the manifest deterministically (sorted keys) and atomically."""
    path = Path(folder) / MANIFEST
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
