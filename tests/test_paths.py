"""The package finds the project's folders from its own location, whatever the working directory."""

import subprocess
import sys

from analysis.pipeline import paths


def test_folders_are_the_projects():
    assert (paths.ROOT / "pyproject.toml").is_file()
    assert paths.RAW == paths.ROOT / "data" / "raw"
    assert paths.DESCRIPTOR.is_file()
    assert paths.FIGURES == paths.ROOT / "figures"


def test_same_root_from_another_working_directory(tmp_path):
    out = subprocess.run([sys.executable, "-c", "from analysis.pipeline import paths; print(paths.ROOT)"],
                         cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(paths.ROOT)
