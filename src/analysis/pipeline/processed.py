"""Write derived tables to ``data/processed`` the same way every time: ISO dates, fixed float format,
``\\n`` line ends, written to a temporary name and moved into place (a failed run leaves the old file)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from . import paths


def write_table(frame: pd.DataFrame, name: str, out_dir: Path | str | None = None, float_digits: int = 4) -> Path:
    """Write ``frame`` (no index) as ``<out_dir>/<name>.csv``; return the path."""
    out = Path(out_dir) if out_dir else paths.PROCESSED
    out.mkdir(parents=True, exist_ok=True)
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d")
    path = out / f"{name}.csv"
    tmp = out / f".{name}.csv.tmp"
    frame.to_csv(tmp, index=False, float_format=f"%.{float_digits}f", lineterminator="\n")
    os.replace(tmp, path)
    return path
