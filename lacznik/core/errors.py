"""Errors that services raise and views turn into messages for the user."""

from dataclasses import dataclass


class WorkflowError(Exception):
    """A state change that the workflow table does not allow."""


@dataclass(frozen=True)
class RowError:
    """One problem of an imported file: the row as the user counts it (header = 1), column and reason."""

    row: int
    column: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        return f"wiersz {self.row}, kolumna {self.column}: {self.reason}"


class ImportRejected(Exception):
    """The whole file is refused; nothing was written. Carries every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors[:20]))
