"""Errors a user sees: one line naming the file and the problem, never a traceback."""

from __future__ import annotations

import re

from extractor.i18n import N_, _


class ExtractionError(Exception):
    """A file could not be read; `str()` is the one-line message for the user."""

    def __init__(self, path: str, problem: str, kind: str = "unreadable", detail: str | None = None):
        self.path = str(path)
        self.problem = problem
        # the library's own words, for the log's debug detail only
        self.detail = detail
        # "memory" and "recursion" failures may leave a process in a bad state: a batch worker retires after them
        self.kind = kind
        super().__init__(f"{self.path}: {problem}")


class NeedsOCR(ExtractionError):
    """An image-only input: no text layer to read until OCR is available."""


#: what a parser's message means, in the words of a user (first match wins)
_XML_MEANINGS = (
    (re.compile(r"amplification|entity.*(loop|recurs)|billion", re.IGNORECASE),
     N_("its XML expands entities without end (an XML bomb; refused)")),
    (re.compile(r"external entity|undefined entity|entity .* not defined", re.IGNORECASE),
     N_("its XML refers to an entity outside the file (refused)")),
    (re.compile(r"XML_PARSE_HUGE|Excessive depth|too long|huge", re.IGNORECASE),
     N_("its XML is larger or deeper than any report (refused)")),
)


#: a native library's words for a failed allocation (torch's allocator, oneDNN, OpenVINO, C++ std::bad_alloc):
#: under a worker's memory limit these, not MemoryError, are how running out shows
_ALLOCATION = re.compile(r"can'?t allocate memory|cannot allocate memory|bad_alloc|could not create a primitive|"
                         r"failed to allocate|out of memory|allocation failed", re.IGNORECASE)


#: what rapidocr raises when its inference engine fails (its own spelling included)
_OCR_ENGINE_ERRORS = {"OpenVIONError", "OpenVINOError", "ONNXRuntimeError"}


def _chain(exc: BaseException):
    """exc, what it wraps as its first argument, and its causes and contexts (a few levels)."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo and len(seen) < 8:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        if e.args and isinstance(e.args[0], BaseException):
            todo.append(e.args[0])  # pdfplumber and others wrap the real exception as their first argument
        todo += [e.__cause__, e.__context__]
    return seen


def exhausted(exc: BaseException) -> tuple[str, str] | None:
    """(the problem in a user's words, kind) when a library ran out of memory or stack on a file, else None.

    kind is "memory" or "recursion": a batch worker retires after either, since
    its heap or stack may be left half-broken.
    """
    chain = _chain(exc)
    if any(isinstance(e, MemoryError) for e in chain) or any(_ALLOCATION.search(str(e)) for e in chain):
        return _("too large to read in the memory available"), "memory"
    if any(isinstance(e, RecursionError) for e in chain):
        return _("its structure is nested too deeply to read"), "recursion"
    return None


def describe(exc: BaseException, damaged: str | None = None) -> tuple[str, str]:
    """(the problem in a user's words, kind) for an XML-based parser's exception on a malformed file.

    kind is "memory" or "recursion" (see `exhausted`) or "library" (the parser
    refused the file and is fine); the exception's class and text belong in
    the debug detail. `damaged` is what is said when nothing more specific is known (by default,
    that the content cannot be parsed); the words are in the language of the run.
    """
    found = exhausted(exc)
    if found:
        return found
    if any(type(e).__name__ in _OCR_ENGINE_ERRORS for e in _chain(exc)):
        return _("the OCR engine failed on one of its page images"), "library"
    text = str(exc)
    for pattern, words in _XML_MEANINGS:
        if pattern.search(text):
            return _(words), "library"
    return (damaged if damaged is not None else _("damaged: its content cannot be parsed")), "library"


def debug_detail(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if "Traceback (most recent call last)" in text:  # a library that puts a whole traceback in its message: its end says what
        text = "… " + text[-300:]
    return f"{type(exc).__name__}: {text[:300]}" if text else type(exc).__name__
