"""Word (.docx) backend: the body of a Word document, in order, as a `Document`.

Its one job is to turn the WordprocessingML body into blocks and tables
exactly as Word lays them out: paragraphs and tables interleaved in document
order, heading styles marked as headings, automatic list numbering rendered
into the text (``一、``, ``（一）`` and ``1.`` are often Word numbering, not
typed characters, and section detection needs them), and tables with their
real merged cells (``gridSpan`` -> colspan, ``vMerge`` -> rowspan,
``gridBefore`` offsets). python-docx opens the package; the XML is then read
directly with lxml because python-docx's own table API repeats merged cells
and hides nested content.

Provenance: a body paragraph gets ``At(line=n)``, n its 1-based index among
the body's paragraphs (empty ones counted, tables not), so a user can find it
in Word. Word has no pages until it is rendered, so ``page`` stays None.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from extractor.document import At, Document, DocumentBuilder, TableCellSpec
from extractor.errors import ExtractionError, debug_detail, describe
from extractor.i18n import _
from extractor.text import clean_line

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_P, W_TBL, W_TR, W_TC, W_R, W_T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
W_SDT, W_SDT_CONTENT, W_CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
W_PPR, W_RPR, W_TCPR, W_TRPR, W_TBLPR = _w("pPr"), _w("rPr"), _w("tcPr"), _w("trPr"), _w("tblPr")
W_VAL = _w("val")
MC_ALT, MC_CHOICE, MC_FALLBACK = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice", f"{{{MC_NS}}}Fallback"
W_TXBX = _w("txbxContent")

# Subtrees whose text is not part of the paragraph's visible text.
_SKIP = {
    W_PPR, W_RPR, _w("del"), _w("moveFrom"), _w("instrText"), _w("delInstrText"),
    _w("rt"),  # ruby annotation text
    MC_FALLBACK, _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"),
}
_CONTAINERS = {W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, _w("smartTag"), _w("ins"), _w("moveTo")}


def load(path: Path) -> Document:
    """Read a .docx file (or .docm/.dotx) into a `Document`."""
    from extractor.ingest import source_for

    path = Path(path)
    data = path.read_bytes()
    body, styles, numbering = _open_parts(path)
    source = source_for(path, data, "docx")
    return read_body(body, styles, numbering, source).build()


def read_body(body, styles, numbering, source) -> DocumentBuilder:
    """Fill a builder from a ``w:body`` element; shared with the legacy backend."""
    reader = _BodyReader(DocumentBuilder(source), _Styles(styles), _Numbering(numbering))
    reader.read(body)
    return reader.builder


# --------------------------------------------------------------------------- opening


def _open_parts(path: Path):
    """(body, styles root or None, numbering root or None), or ExtractionError."""
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
    except ValueError as exc:
        # python-docx refuses macro-enabled documents and templates by content
        # type; the XML inside is the same, so read the parts straight from the zip.
        if "content type" in str(exc).lower():
            return _open_raw(path)
        raise ExtractionError(str(path), _("not a readable Word document ({said})").format(said=exc)) from None
    except (etree.XMLSyntaxError, KeyError, zipfile.BadZipFile) as exc:
        words = describe(exc, damaged=_("its XML is damaged"))[0]
        raise ExtractionError(str(path), _("not a readable Word document: {words}").format(words=words),
                              detail=debug_detail(exc)) from None
    except Exception as exc:  # noqa: BLE001 - any library failure is a damaged file to the user
        words, kind = describe(exc)
        raise ExtractionError(str(path), _("not a readable Word document: {words}").format(words=words), kind,
                              debug_detail(exc)) from None
    part = document.part
    styles = numbering = None
    for rel in part.rels.values():
        if rel.is_external:
            continue
        if rel.reltype.endswith("/styles"):
            styles = rel.target_part.element
        elif rel.reltype.endswith("/numbering"):
            numbering = rel.target_part.element
    body = document.element.body
    if body is None:
        raise ExtractionError(str(path), _("not a readable Word document: word/document.xml has no body"))
    return body, styles, numbering


def _open_raw(path: Path):
    parser = etree.XMLParser(resolve_entities=False, huge_tree=True)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())

            def part(name: str):
                return etree.fromstring(z.read(name), parser) if name in names else None

            root = part("word/document.xml")
            styles, numbering = part("word/styles.xml"), part("word/numbering.xml")
    except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError) as exc:
        words = describe(exc, damaged=_("its XML is damaged"))[0]
        raise ExtractionError(str(path), _("not a readable Word document: {words}").format(words=words),
                              detail=debug_detail(exc)) from None
    body = root.find(_w("body")) if root is not None else None
    if body is None:
        raise ExtractionError(str(path), _("not a readable Word document: word/document.xml has no body"))
    return body, styles, numbering


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# --------------------------------------------------------------------------- styles


@dataclass
class _Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None  # (numId, ilvl) from the style's own numPr


class _Styles:
    """Paragraph styles: which are headings, and numbering attached to a style."""

    _HEADING_NAME = re.compile(r"^(heading|标题)\s*\d|^(title|标题)$", re.I)

    def __init__(self, root):
        self.styles: dict[str, _Style] = {}
        self.default: str | None = None
        if root is None:
            return
        for st in root.iter(_w("style")):
            if st.get(_w("type")) not in (None, "paragraph"):
                continue
            sid = st.get(_w("styleId"))
            if not sid:
                continue
            name_el = st.find(_w("name"))
            based = st.find(_w("basedOn"))
            ppr = st.find(W_PPR)
            outline = num = None
            if ppr is not None:
                ol = ppr.find(_w("outlineLvl"))
                if ol is not None and (ol.get(W_VAL) or "").isdigit():
                    outline = int(ol.get(W_VAL))
                num = _num_pr(ppr)
            self.styles[sid] = _Style(
                name=(name_el.get(W_VAL) if name_el is not None else sid) or sid,
                based_on=based.get(W_VAL) if based is not None else None,
                outline=outline,
                num=num,
            )
            if st.get(_w("default")) in ("1", "true", "on"):
                self.default = sid

    def _chain(self, sid: str | None):
        seen = set()
        sid = sid or self.default
        while sid and sid in self.styles and sid not in seen:
            seen.add(sid)
            yield self.styles[sid]
            sid = self.styles[sid].based_on

    def heading_level(self, sid: str | None) -> int | None:
        """1 for Heading 1 (or outline level 0), 0 for Title, None for body styles."""
        for i, st in enumerate(self._chain(sid)):
            name = st.name.strip()
            if self._HEADING_NAME.match(name):
                digits = re.search(r"\d+", name)
                return int(digits.group()) if digits else 0
            if st.outline is not None:
                return st.outline + 1 if st.outline < 9 else None
            if i == 0 and sid is None:
                break
        return None

    _TOC_NAME = re.compile(r"^(toc\s*\d|toc heading|目录\s*\d*)$", re.I)

    def is_toc(self, sid: str | None) -> bool:
        """A table-of-contents entry style (TOC 1…9, TOC Heading)."""
        return sid is not None and any(self._TOC_NAME.match(st.name.strip()) for st in self._chain(sid))

    def numbering(self, sid: str | None) -> tuple[str, int] | None:
        for st in self._chain(sid):
            if st.num is not None:
                return st.num
        return None


def _num_pr(ppr) -> tuple[str, int] | None:
    numpr = ppr.find(_w("numPr"))
    if numpr is None:
        return None
    num_id = numpr.find(_w("numId"))
    ilvl = numpr.find(_w("ilvl"))
    nid = num_id.get(W_VAL) if num_id is not None else None
    lvl = ilvl.get(W_VAL) if ilvl is not None else "0"
    return (nid or "", int(lvl) if (lvl or "").isdigit() else 0)


# --------------------------------------------------------------------------- list numbering

_CN_DIGITS = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese_number(n: int) -> str:
    if n <= 0 or n >= 10000:
        return str(n)
    out = ""
    thousands, hundreds, tens, ones = n // 1000, n // 100 % 10, n // 10 % 10, n % 10
    if thousands:
        out += _CN_DIGITS[thousands] + "千"
    if hundreds:
        out += _CN_DIGITS[hundreds] + "百"
    elif thousands and (tens or ones):
        out += "零"
    if tens:
        out += ("" if n < 20 else _CN_DIGITS[tens]) + "十"
    elif (thousands or hundreds) and ones:
        out += "" if out.endswith("零") else "零"
    if ones:
        out += _CN_DIGITS[ones]
    return out


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    # Word repeats the letter: 27 -> AA, 28 -> BB
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in a Word ``numFmt``."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "chineseLegalSimplified", "ideographDigital", "taiwaneseCountingThousand"):
        text = _chinese_number(n)
        if fmt == "chineseLegalSimplified":
            text = text.translate(str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟"))
        return text
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "decimalEnclosedFullstop"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False


def _parse_level(lvl) -> _Level:
    out = _Level()
    for child in lvl:
        tag, val = child.tag, child.get(W_VAL)
        if tag == _w("start") and val and val.lstrip("-").isdigit():
            out.start = int(val)
        elif tag == _w("numFmt") and val:
            out.fmt = val
        elif tag == _w("lvlText"):
            out.text = val or ""
        elif tag == _w("suff") and val:
            out.suffix = val
        elif tag == _w("isLgl"):
            out.legal = val not in ("0", "false", "off")
    return out


@dataclass
class _Num:
    abstract: str
    overrides: dict[int, _Level] = field(default_factory=dict)
    start_overrides: dict[int, int] = field(default_factory=dict)


class _Numbering:
    """Renders Word automatic list labels (一、 （一） 1. ①) in document order."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for an in root.iter(_w("abstractNum")):
            levels = {}
            for lvl in an.findall(_w("lvl")):
                ilvl = lvl.get(_w("ilvl"))
                if ilvl and ilvl.isdigit():
                    levels[int(ilvl)] = _parse_level(lvl)
            self.abstract[an.get(_w("abstractNumId")) or ""] = levels
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            entry = _Num(abstract=ref.get(W_VAL) if ref is not None else "")
            for ov in num.findall(_w("lvlOverride")):
                ilvl = ov.get(_w("ilvl"))
                if not (ilvl and ilvl.isdigit()):
                    continue
                so = ov.find(_w("startOverride"))
                if so is not None and (so.get(W_VAL) or "").isdigit():
                    entry.start_overrides[int(ilvl)] = int(so.get(W_VAL))
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    entry.overrides[int(ilvl)] = _parse_level(lvl)
            self.nums[num.get(_w("numId")) or ""] = entry

    def _level(self, num: _Num, ilvl: int) -> _Level | None:
        if ilvl in num.overrides:
            return num.overrides[ilvl]
        return self.abstract.get(num.abstract, {}).get(ilvl)

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the counter of (num_id, ilvl) and return its label, '' for none/bullets."""
        num = self.nums.get(num_id)
        if num is None or num_id in ("", "0"):
            return ""
        level = self._level(num, ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num.abstract, {})
        if num_id not in self.started:
            # A w:num with a startOverride restarts its list where it first appears.
            self.started.add(num_id)
            for lvl_i, start in num.start_overrides.items():
                counters[lvl_i] = start - 1
        start = num.start_overrides.get(ilvl, level.start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return ""

        def repl(m: re.Match) -> str:
            i = int(m.group(1)) - 1
            lv = self._level(num, i) or _Level()
            n = counters.get(i, num.start_overrides.get(i, lv.start))
            fmt = "decimal" if (level.legal and i != ilvl) else lv.fmt
            return format_number(n, fmt)

        text = re.sub(r"%([1-9])", repl, level.text)
        if not text:
            return ""
        return text + ("" if level.suffix == "nothing" else " ")


# --------------------------------------------------------------------------- body


class _BodyReader:
    def __init__(self, builder: DocumentBuilder, styles: _Styles, numbering: _Numbering):
        self.builder = builder
        self.styles = styles
        self.numbering = numbering
        self.line = 0
        self.tracked = False

    def read(self, body) -> None:
        toc_entries = 0
        for el in _flatten(body):
            if el.tag == W_P:
                self.line += 1
                if _in_toc(el) or self.styles.is_toc(_style_id(el)):
                    # A table of contents repeats the headings (with page numbers):
                    # kept, it would duplicate every section.
                    toc_entries += 1
                    continue
                self._paragraph(el)
            elif el.tag == W_TBL:
                self._table(el)
        if toc_entries:
            self.builder.doc.warnings.append(f"table of contents skipped ({toc_entries} paragraphs)")
        if self.tracked:
            self.builder.doc.warnings.append("the document has tracked changes; read as if all were accepted")

    # paragraphs

    def _paragraph(self, p) -> None:
        text, boxes = self.paragraph_text(p)
        at = At(line=self.line)
        level = self._heading_level(p)
        kind = "heading" if level is not None else "paragraph"
        self.builder.add_text(text, at=at, kind=kind, level=level)
        for box in boxes:  # text boxes anchored in the paragraph, after it
            self.builder.add_text(box, at=At(line=self.line))

    def _heading_level(self, p) -> int | None:
        ppr = p.find(W_PPR)
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        if outline is not None and (outline.get(W_VAL) or "").isdigit():
            return int(outline.get(W_VAL)) + 1 if int(outline.get(W_VAL)) < 9 else None
        return self.styles.heading_level(_style_id(p))

    def paragraph_text(self, p) -> tuple[str, list[str]]:
        """The paragraph's visible text (line breaks as \\n, numbering label first) and its text boxes."""
        parts: list[str] = []
        boxes: list[str] = []
        self._collect(p, parts, boxes)
        label = self._label(p)
        raw = label + "".join(parts)
        lines = [clean_line(line) for line in raw.split("\n")]
        return "\n".join(line for line in lines if line), boxes

    def _label(self, p) -> str:
        ppr = p.find(W_PPR)
        num = _num_pr(ppr) if ppr is not None else None
        if num is None or (num[0] == "" and ppr is not None):
            style_num = self.styles.numbering(_style_id(p))
            if num is None:
                num = style_num
            elif style_num is not None:  # ilvl given on the paragraph, numId from the style
                num = (style_num[0], num[1])
        if num is None:
            return ""
        return self.numbering.label(*num)

    def _collect(self, el, parts: list[str], boxes: list[str]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                if tag in (_w("del"), _w("moveFrom")):
                    self.tracked = True
                continue
            if tag == W_T:
                parts.append(child.text or "")
            elif tag == _w("tab") or tag == _w("ptab"):
                parts.append("\t")
            elif tag == _w("br") or tag == _w("cr"):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag == W_R:
                rpr = child.find(W_RPR)
                if rpr is not None and _on(rpr.find(_w("vanish"))):
                    continue  # hidden text
                self._collect(child, parts, boxes)
            elif tag == W_TXBX:
                for inner in _flatten(child):
                    if inner.tag == W_P:
                        text, more = self.paragraph_text(inner)
                        if text:
                            boxes.append(text)
                        boxes.extend(more)
                    elif inner.tag == W_TBL:
                        boxes.append(self.flat_table_text(inner))
            elif tag == MC_ALT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    self._collect(choice, parts, boxes)
            else:
                if tag in (_w("ins"), _w("moveTo")):
                    self.tracked = True
                self._collect(child, parts, boxes)

    # tables

    def _table(self, tbl) -> None:
        rows = self.table_specs(tbl)
        if not any(rows):
            return
        title = None
        tblpr = tbl.find(W_TBLPR)
        if tblpr is not None:
            caption = tblpr.find(_w("tblCaption"))
            if caption is not None and (caption.get(W_VAL) or "").strip():
                title = clean_line(caption.get(W_VAL))
        self.builder.add_table(rows, title=title)

    def table_specs(self, tbl) -> list[list[TableCellSpec]]:
        """Cells placed on the table grid, vertical merges folded into the origin's rowspan."""
        rows: list[list[TableCellSpec]] = []
        # grid column -> the cell whose bottom edge is the previous row there
        open_cells: dict[int, TableCellSpec] = {}
        for r, tr in enumerate(_children(tbl, W_TR)):
            row: list[TableCellSpec] = []
            col = 0
            trpr = tr.find(W_TRPR)
            if trpr is not None:
                col = _int_val(trpr.find(_w("gridBefore")), 0)
            last: TableCellSpec | None = None
            for tc in _children(tr, W_TC):
                tcpr = tc.find(W_TCPR)
                span, vmerge, hmerge = 1, None, None
                if tcpr is not None:
                    span = max(1, _int_val(tcpr.find(_w("gridSpan")), 1))
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None:
                        vmerge = vm.get(W_VAL) or "continue"
                    hm = tcpr.find(_w("hMerge"))
                    if hm is not None:
                        hmerge = hm.get(W_VAL) or "continue"
                text = self.cell_text(tc)
                if hmerge == "continue" and last is not None:
                    # legacy horizontal merge: widen the cell to the left
                    last.colspan += span
                    if text:
                        last.text = f"{last.text}\n{text}" if last.text else text
                    col += span
                    continue
                origin = open_cells.get(col) if vmerge == "continue" else None
                if origin is not None and origin.row + origin.rowspan == r:
                    origin.rowspan += 1
                    if text:
                        origin.text = f"{origin.text}\n{text}" if origin.text else text
                    last = None
                else:
                    last = TableCellSpec(row=r, col=col, colspan=span, text=text)
                    row.append(last)
                    origin = last
                open_cells[col] = origin
                col += span
            rows.append(row)
        return rows

    def cell_text(self, tc) -> str:
        """A cell's paragraphs joined with \\n; nested tables flattened into lines."""
        lines: list[str] = []
        for el in _flatten(tc):
            if el.tag == W_P:
                text, boxes = self.paragraph_text(el)
                if text:
                    lines.append(text)
                lines.extend(boxes)
            elif el.tag == W_TBL:
                nested = self.flat_table_text(el)
                if nested:
                    lines.append(nested)
        return "\n".join(lines)

    def flat_table_text(self, tbl) -> str:
        lines = []
        for tr in _children(tbl, W_TR):
            for tc in _children(tr, W_TC):
                text = self.cell_text(tc)
                if text:
                    lines.append(text)
        return "\n".join(lines)


def _flatten(parent):
    """Block-level children (w:p, w:tbl), looking through content controls and custom XML."""
    for child in parent:
        tag = child.tag
        if tag in (W_P, W_TBL):
            yield child
        elif tag in (W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, _w("ins"), _w("moveTo")):
            yield from _flatten(child)
        elif tag == MC_ALT:
            choice = child.find(MC_CHOICE)
            if choice is not None:
                yield from _flatten(choice)


def _in_toc(el) -> bool:
    """Inside a content control that Word made for a table of contents."""
    parent = el.getparent()
    while parent is not None and parent.tag != _w("body"):
        if parent.tag == W_SDT:
            gallery = parent.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
            if gallery is not None and (gallery.get(W_VAL) or "").lower() == "table of contents":
                return True
        parent = parent.getparent()
    return False


def _children(parent, tag):
    """Direct children with `tag` (rows of a table, cells of a row), through sdt/customXml wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (W_SDT, W_SDT_CONTENT, W_CUSTOM_XML, _w("ins")):
            yield from _children(child, tag)


def _style_id(p) -> str | None:
    ppr = p.find(W_PPR)
    if ppr is None:
        return None
    ps = ppr.find(_w("pStyle"))
    return ps.get(W_VAL) if ps is not None else None


def _int_val(el, default: int) -> int:
    if el is None:
        return default
    val = el.get(W_VAL) or ""
    return int(val) if val.isdigit() else default


def _on(el) -> bool:
    return el is not None and el.get(W_VAL) not in ("0", "false", "off")
