"""What can be wrong in the data package: one :class:`Problem` per finding, all of them raised together in
one :class:`DataValidationError`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data package, located as precisely as possible."""

    file: str
    rule: str
    message: str
    row: int | None = None
    line: int | None = None
    record_id: str | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            rec = f", {self.record_id}" if self.record_id else ""
            where.append(f"row {self.row} (line {self.line}{rec})")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: [{self.rule}] {self.message}"


class DataValidationError(ValueError):
    """Raised when the data package has problems; ``.problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the data package:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
