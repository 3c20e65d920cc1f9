"""Domain exceptions. Bad *data* is reported as Issues; these stop a whole command."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .issues import Issue


class PipelineError(Exception):
    """Something stops the command; the message is Swedish and meant for the user."""


class ConfigError(PipelineError):
    pass


class RegisterError(PipelineError):
    """The register is broken; it is never half-used."""

    def __init__(self, path: Path, issues: Sequence[Issue], remarks: Sequence[Issue] = ()):
        self.path = path
        self.issues = list(issues)
        # what would only have been remarked on: told beside the errors, so that one pass
        # over the register settles everything
        self.remarks = list(remarks)
        super().__init__(f"Registret {path} har {len(self.issues)} fel och kan inte användas.")


class LockHeld(PipelineError):
    def __init__(self, lock_path: Path, holder: str):
        self.lock_path = lock_path
        super().__init__(
            f"En annan körning pågår redan ({holder}, låsfil {lock_path}). "
            "Vänta tills den är klar och försök igen."
        )


class ArchiveError(PipelineError):
    """A file the ledger names is gone from the archive (removed by hand)."""


class UnknownPeriod(PipelineError):
    pass
