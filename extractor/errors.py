"""Errors a user sees: one line naming the file and the problem, never a traceback."""

from __future__ import annotations


class ExtractionError(Exception):
    """A file could not be read; `str()` is the one-line message for the user."""

    def __init__(self, path: str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class NeedsOCR(ExtractionError):
    """An image-only input: no text layer to read until OCR is available."""
