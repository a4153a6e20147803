"""Landmine casualties and mine clearance in Azerbaijan: data loading, validation and analysis.

Subpackages, in the order the data flow through them (src/analysis/README.md; a lower stage never
imports a higher one):
    data        load and validate the raw data package (data/raw) into typed frames; the data
                dictionary; what the record holds (notebook 00)
    statements  statements to observations to one series per measure, with daily estimates
    casualties  the casualty series and its trend, civilians and military, the long run
    clearance   the clearance series, monthly rates and cross-checks, rates per hectare, the projection
    plots       every figure: the style, the one saving helper, one module per subject
    pipeline    where the project's folders are, notebook parameters, the papermill runner, the manifest,
                processed tables and the report
"""

import gc as _gc
import os as _os
import sys as _sys

__version__ = "0.1.0"

# The statement model's algebra is on matrices of a few hundred rows: a BLAS that spreads each product over
# every core spends more time waking threads than computing, and two notebooks run at once on two cores. One
# thread per process, unless the user says otherwise (set before numpy loads its BLAS, where it still counts).
for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    _os.environ.setdefault(_name, "1")


def _collect_after_the_importing_cell() -> None:
    """In an IPython kernel, pause the garbage collector while the cell that imports this package runs,
    then freeze what that cell imported and resume.

    The notebooks' first cell imports pandas, matplotlib, scipy and statsmodels through this package:
    some 150,000 objects that live as long as the kernel. Python's full collections rescan every live
    object, so during the imports, and at every later full collection while figures are drawn, they
    cost a tenth of a second each for nothing. Frozen (``gc.freeze``), those objects are left out of
    every later collection, and the collector works as usual on everything the notebook makes.
    Outside IPython (scripts, tests) nothing changes.
    """
    ipython = _sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not _gc.isenabled():
        return

    def resume(result=None):
        shell.events.unregister("post_run_cell", resume)
        _gc.freeze()
        _gc.enable()

    _gc.disable()
    shell.events.register("post_run_cell", resume)  # runs after the cell, even one that failed


_collect_after_the_importing_cell()


def software_versions() -> str:
    """'Python 3.11.7; pandas 3.1.1; matplotlib ...; seaborn ...; statsmodels ...', printed at the end of
    each notebook. Read from the installed distributions' metadata: importing seaborn and statsmodels
    only to print their versions would cost a kernel more than half a second."""
    import platform
    from importlib.metadata import version

    packages = "; ".join(f"{name} {version(name)}" for name in ("pandas", "matplotlib", "seaborn", "statsmodels"))
    return f"Python {platform.python_version()}; {packages}"
