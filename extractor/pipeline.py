"""One file in, one `Extraction` out: ingest -> forms -> tagger -> claims -> facts, relations (-> reconcile)."""

from __future__ import annotations

from pathlib import Path

from extractor.document import Document
from extractor.forms import read_forms
from extractor.ingest import load
from extractor.reconcile import reconcile
from extractor.schema import Extraction, SourceInfo


def extract(path: str | Path, tagger: str | object = "default", all_verdicts: bool = False) -> Extraction:
    """Read a report file; raises `ExtractionError` with a one-line reason on bad input.

    `tagger`: "default" (see extractor.narrative.DEFAULT_TAGGER), "model",
    "rules", "none" (no claims), a model directory, or a tagger object.
    """
    return extract_document(load(path), tagger=tagger, all_verdicts=all_verdicts)


def extract_document(doc: Document, tagger: str | object = "default", all_verdicts: bool = False) -> Extraction:
    from extractor.facts import fact_table
    from extractor.narrative import find_ratings, get_tagger, narrative_claims, narrative_texts
    from extractor.relations import find_relations

    forms = read_forms(doc)
    claims = []
    if tagger != "none":
        tagger_obj = get_tagger(str(tagger)) if isinstance(tagger, (str, Path)) else tagger
        claims = narrative_claims(doc, forms.indicators, tagger_obj)
    units = narrative_texts(doc, forms.indicators)
    facts = fact_table(doc, units, claims)
    src = doc.source
    result = Extraction(
        source=SourceInfo(path=src.path, sha256=src.sha256, format=src.format, pages=src.pages, ocr=src.ocr),
        department=forms.department,
        supervising_department=forms.supervising_department,
        year=forms.year,
        forms=forms.forms,
        sections=doc.sections,
        tables=doc.tables,
        funds=forms.funds,
        indicators=forms.indicators,
        totals=forms.totals,
        basic_data=forms.basic_data,
        claims=claims,
        ratings=find_ratings(doc),
        facts=facts,
        relations=find_relations(units, facts),
        warnings=doc.warnings + forms.warnings,
    )
    result.findings = reconcile(result, all_verdicts=all_verdicts)
    return result
