"""What can be wrong in the data package: one :class:`Problem` per finding, all of them raised together in
one :class:`DataValidationError`; and :func:`visible`, which spells out the characters a reader cannot see."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: Characters shown as they are although their category would hide them: the ordinary space.
_SHOWN_AS_IS = {" "}


def invisible(ch: str) -> bool:
    """A character a reader of the file cannot see or tell from a space: controls, format characters (zero-width
    spaces and joiners, the byte-order mark, direction marks), line and paragraph separators, spaces other than
    the ordinary one, and the placeholders the reader puts for bytes that are not UTF-8 (lone surrogates)."""
    if ch in _SHOWN_AS_IS:
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs")


def visible(text: str) -> str:
    """``text`` with every invisible character written as its escape: ``'value\\u200b'`` for a zero-width space."""
    out = []
    for ch in text:
        if not invisible(ch):
            out.append(ch)
        elif 0xDC80 <= ord(ch) <= 0xDCFF:  # a byte that is not UTF-8, kept by the reader as a lone surrogate
            out.append(f"\\x{ord(ch) - 0xDC00:02x}")
        elif ch == "\udc00":  # the reader's stand-in for a NUL byte
            out.append("\\x00")
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def name_of(ch: str) -> str:
    """``'U+200B (ZERO WIDTH SPACE)'``."""
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')})"


def shorten(text: str, limit: int = 80) -> str:
    """``text`` made visible and cut to ``limit`` characters (a quote or a swallowed file is not repeated whole)."""
    shown = visible(text)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(text):,} characters)"


def around(text: str, index: int, width: int = 30) -> str:
    """The part of ``text`` around ``index``, made visible (where in a long cell a bad character is)."""
    start, end = max(index - width, 0), min(index + width + 1, len(text))
    return ("..." if start else "") + visible(text[start:end]) + ("..." if end < len(text) else "")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data package, located as precisely as possible.

    ``row`` is the data row (1 = the first row under the header), ``line`` the line of the file where it starts
    (lines end at a line feed, a carriage return or both; a Unicode line separator inside a cell is not a line
    end), ``column`` the column (or, for the descriptor, the field), ``location`` a place in the descriptor
    (``resource 'casualty_reports'``)."""

    file: str
    rule: str
    message: str
    row: int | None = None
    line: int | None = None
    record_id: str | None = None
    column: str | None = None
    location: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.location:
            where.append(self.location)
        if self.row is not None:
            rec = f", {visible(self.record_id)}" if self.record_id else ""
            where.append(f"row {self.row} (line {self.line}{rec})")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{visible(self.column)}'" if not self.location else f"field '{visible(self.column)}'")
        return f"{', '.join(where)}: [{self.rule}] {self.message}"


class DataValidationError(ValueError):
    """Raised when the data package has problems; ``.problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the data package:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
