"""Tagged text as a spaCy `Doc` (character tokens, `spacy.blank("zh")`) and as displaCy HTML."""

from __future__ import annotations

COLORS = {"METRIC": "#a6d8f0", "VALUE": "#b8e6a0", "TARGET": "#f7c98b"}


def to_doc(text: str, spans, nlp=None):
    """A spaCy Doc whose `ents` are the spans (each span's score in `Span._.score` is not needed: kept in `doc.spans`)."""
    import spacy

    nlp = nlp or _blank()
    doc = nlp.make_doc(text)
    ents = []
    for sp in spans:
        start, end, label = (sp.start, sp.end, sp.label) if hasattr(sp, "start") else (sp["start"], sp["end"], sp["label"])
        ent = doc.char_span(start, end, label=label, alignment_mode="expand")
        if ent is not None:
            ents.append(ent)
    doc.ents = spacy.util.filter_spans(ents)
    return doc


_NLP = None


def _blank():
    global _NLP
    if _NLP is None:
        import spacy

        _NLP = spacy.blank("zh")  # default segmenter: one token per character, no download
    return _NLP


def render_html(text: str, spans, page: bool = True) -> str:
    from spacy import displacy

    return displacy.render(to_doc(text, spans), style="ent", page=page, options={"colors": COLORS})
