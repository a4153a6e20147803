"""The two ways of installing agree: requirements.txt (pip) and environment.yml (conda)."""

import re

from analysis.pipeline import paths


def pins_from_requirements() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def pins_from_environment() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "environment.yml").read_text().splitlines():
        # conda's "- name=version", and pip's "- name==version" in the environment's pip section
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.-]+)==?([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_pin_every_package_exactly():
    pins = pins_from_requirements()
    assert {"pandas", "seaborn", "statsmodels", "papermill", "nbval", "pytest", "jupyterlab", "ipykernel", "matplotlib"} <= set(pins)
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in pins.values()), pins


def test_environment_yml_lists_the_same_packages_and_versions():
    assert pins_from_environment() == pins_from_requirements()


def test_environment_yml_asks_for_the_python_we_test_on():
    assert re.search(r"^\s+-\s+python=3\.11\s*$", (paths.ROOT / "environment.yml").read_text(), re.M)


def test_software_versions_are_the_imported_ones():
    import sys

    import matplotlib
    import pandas
    import seaborn
    import statsmodels

    import analysis

    expected = (f"Python {sys.version.split()[0]}; pandas {pandas.__version__}; matplotlib {matplotlib.__version__}; "
                f"seaborn {seaborn.__version__}; statsmodels {statsmodels.__version__}")
    assert analysis.software_versions() == expected
