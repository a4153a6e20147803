"""The package's shape follows the data flow (src/analysis/README.md): a lower stage never imports a higher
one, and every figure is drawn in analysis.plots. Read from the source with ``ast``, without importing it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from analysis.pipeline import runner

PACKAGE = runner.PACKAGE

#: Stages of the flow, lowest first; a module may import from its own stage and from lower ones. A whole
#: subpackage sits at one stage, except analysis.pipeline: where the project's folders are (paths) and the
#: manifest's file format (manifest) are leaves that every stage reads, while the runner, the parameter
#: checks, the processed tables and the report stand above the figures. A new pipeline module needs a line
#: here.
SUBPACKAGE_STAGES = {
    "analysis.data": 1,
    "analysis.statements": 2,
    "analysis.casualties": 3,
    "analysis.clearance": 3,
    "analysis.plots": 4,
    "analysis.readings": 4,
}
MODULE_STAGES = {
    "analysis": 0,  # the package itself: the garbage-collector pause and the versions, nothing of its own
    "analysis.pipeline": 0,  # imports nothing, so that importing pipeline.paths runs nothing higher
    "analysis.pipeline.paths": 0,
    "analysis.pipeline.manifest": 0,
    "analysis.pipeline.params": 5,
    "analysis.pipeline.processed": 5,
    "analysis.pipeline.runner": 5,
    "analysis.pipeline.report": 5,
    "analysis.pipeline.frontpage": 5,
}
#: Calls that make or save a figure; only analysis.plots makes them.
FIGURE_CALLS = {"savefig", "save_figure", "new_figure", "subplots", "add_subplot", "add_axes", "figure"}


def stage(module: str) -> int | None:
    if module in MODULE_STAGES:
        return MODULE_STAGES[module]
    for package, level in SUBPACKAGE_STAGES.items():
        if module == package or module.startswith(package + "."):
            return level
    return None


def modules(root: Path) -> dict[str, Path]:
    """Every module of the package at ``root`` by its dotted name (a package by its own name)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imported(name: str, path: Path, known: set[str]) -> list[tuple[int, str]]:
    """(line, module) for every module of the package that ``name`` imports, anywhere in the file: the module
    itself and every package above it, whose ``__init__`` runs on the way."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            base = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.append((node.lineno, sub if sub in known else base))
    root = name.split(".")[0]
    out = []
    for line, target in targets:
        if target.split(".")[0] != root:
            continue
        parts = target.split(".")
        out += [(line, ".".join(parts[:i])) for i in range(1, len(parts) + 1)]
    return out


def upward_imports(root: Path) -> list[str]:
    """Every import, in the package at ``root``, of a module of a higher stage (and every module without one)."""
    found = modules(root)
    problems = [f"{name}: no stage (add it to test_structure.py's stages)" for name in found if stage(name) is None]
    for name, path in found.items():
        here = stage(name)
        for line, target in imported(name, path, set(found)):
            there = stage(target)
            if here is not None and there is not None and there > here:
                where = f"{path.relative_to(root.parent)}:{line}"
                problems.append(f"{where}: {name} (stage {here}) imports {target} (stage {there})")
    return problems


def test_no_module_imports_from_a_higher_stage():
    assert upward_imports(PACKAGE) == []


def test_an_upward_import_is_caught(tmp_path):
    root = tmp_path / "analysis"
    for folder in ("data", "plots", "pipeline"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text('"""A stage."""\n')
    (root / "__init__.py").write_text('"""The package."""\n')
    (root / "plots" / "style.py").write_text("from ..data import cells\n")
    (root / "data" / "cells.py").write_text("def f():\n    from ..plots.style import x\n")
    (root / "pipeline" / "paths.py").write_text("import analysis.pipeline.runner\n")
    (root / "pipeline" / "runner.py").write_text("from analysis import pipeline\n")
    (root / "pipeline" / "extra.py").write_text("")
    assert sorted(upward_imports(root)) == [
        "analysis.pipeline.extra: no stage (add it to test_structure.py's stages)",
        "analysis/data/cells.py:2: analysis.data.cells (stage 1) imports analysis.plots (stage 4)",
        "analysis/data/cells.py:2: analysis.data.cells (stage 1) imports analysis.plots.style (stage 4)",
        "analysis/pipeline/paths.py:1: analysis.pipeline.paths (stage 0) imports analysis.pipeline.runner (stage 5)",
    ]


def _outside_plots():
    return {name: path for name, path in modules(PACKAGE).items() if stage(name) != SUBPACKAGE_STAGES["analysis.plots"]}


def test_only_the_plots_import_matplotlib():
    found = []
    for name, path in _outside_plots().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found += [f"{name}:{node.lineno} imports {n}" for n in names if n.split(".")[0] == "matplotlib"]
    assert found == []


def test_no_figure_is_made_or_saved_outside_the_plots():
    found = []
    for name, path in _outside_plots().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if called in FIGURE_CALLS:
                    found.append(f"{name}:{node.lineno} calls {called}")
    assert found == []


@pytest.mark.parametrize("init", sorted(p.relative_to(PACKAGE).as_posix() for p in PACKAGE.glob("*/__init__.py")))
def test_every_subpackage_says_in_one_line_what_it_is(init):
    doc = ast.get_docstring(ast.parse((PACKAGE / init).read_text(encoding="utf-8")))
    assert doc and "\n" not in doc.strip(), f"{init}: a one-line docstring"
