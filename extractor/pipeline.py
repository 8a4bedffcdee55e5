"""One file in, one `Extraction` out: ingest -> forms (-> tagger -> claims -> reconcile)."""

from __future__ import annotations

from pathlib import Path

from extractor.document import Document
from extractor.forms import read_forms
from extractor.ingest import load
from extractor.schema import Extraction, SourceInfo


def extract(path: str | Path) -> Extraction:
    """Read a report file; raises `ExtractionError` with a one-line reason on bad input."""
    return extract_document(load(path))


def extract_document(doc: Document) -> Extraction:
    forms = read_forms(doc)
    src = doc.source
    return Extraction(
        source=SourceInfo(path=src.path, sha256=src.sha256, format=src.format, pages=src.pages, ocr=src.ocr),
        department=forms.department,
        year=forms.year,
        sections=doc.sections,
        tables=doc.tables,
        funds=forms.funds,
        indicators=forms.indicators,
        totals=forms.totals,
        basic_data=forms.basic_data,
        warnings=doc.warnings + forms.warnings,
    )
