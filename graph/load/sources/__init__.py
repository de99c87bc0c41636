"""Readers: files in, source records (or reported rejections) out. They know nothing of BIBFRAME."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceRecord:
    """One record read from a file, at a 1-based position, with any repairs noted."""

    file: str
    position: int
    record: Any
    warnings: list[str] = field(default_factory=list)


@dataclass
class Rejection:
    """A record (or a whole file) that could not be read, and why."""

    file: str
    position: int | None
    control_number: str | None
    reason: str
    offset: int | None = None  # byte offset in the file, where known

    def __str__(self) -> str:
        where = f"{self.file}" + (f", record {self.position}" if self.position else "")
        where += f" (byte {self.offset})" if self.offset is not None else ""
        cn = f" (001 {self.control_number})" if self.control_number else ""
        return f"{where}{cn}: {self.reason}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "position": self.position,
            "control_number": self.control_number,
            "reason": self.reason,
            "offset": self.offset,
        }


@dataclass
class Notice:
    """Something about a file worth telling that stops no record (an ignored column, a re-detected encoding)."""

    file: str
    position: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f", row {self.position}" if self.position else "")
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"file": self.file, "position": self.position, "reason": self.reason}
