"""The one exception statement reading raises: a problem with a place in the file."""

from __future__ import annotations


class StatementError(ValueError):
    """A file that cannot be read as a statement; ``line`` is the file's line (1-based)."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None,
                 value: str | None = None) -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.value = message, line, column, value
