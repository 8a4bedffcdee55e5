"""The interface's language: Chinese by default, English with `--lang en` (or EXTRACTOR_LANG=en).

Messages are written in English in the code and marked with `_()` (gettext's convention: the
English text is the message id); the Chinese catalog is `extractor/locale/zh_CN/LC_MESSAGES/
extractor.po`, a plain gettext file a translator edits with any PO editor, read with Babel and
compiled in memory on first use. `_()` looks the language up at each call, so a worker process,
a page and a terminal line follow the language of the run that made them.

What is translated: the interface (help, labels, headers, summaries, a file's problem). What is
not: stable ids for machines (rule ids, JSON keys, findings.csv headers) and the findings'
messages, which the rules write in Chinese in both languages, as the reports are.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
ENV = "EXTRACTOR_LANG"
CATALOG = Path(__file__).parent / "locale" / "zh_CN" / "LC_MESSAGES" / "extractor.po"


def current() -> str:
    """The language of this process: EXTRACTOR_LANG when it names one of LANGUAGES, else Chinese."""
    lang = (os.environ.get(ENV) or DEFAULT).strip().lower()
    return lang if lang in LANGUAGES else DEFAULT


def set_language(lang: str) -> None:
    """Set the language for this process and the processes it starts."""
    if lang not in LANGUAGES:
        raise ValueError(f"{lang}: not one of {', '.join(LANGUAGES)}")
    os.environ[ENV] = lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """gettext translations for `lang` (English is the ids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def html_lang() -> str:
    """The `lang` attribute of a page."""
    return "zh-CN" if current() == "zh" else "en"


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `_()` translates it where it is shown."""
    return message


#: the words of a machine key shown to a person (severity, verdict, cause of a finding)
SEVERITY_WORD = {"error": N_("error"), "warning": N_("warning"), "info": N_("info"), "none": N_("none")}
VERDICT_WORD = {"contradicted": N_("contradicted"), "supported": N_("supported"), "unverifiable": N_("unverifiable")}
CAUSE_WORD = {"misread": N_("probably misread by OCR"), "report": N_("the report itself")}


def word(words: dict[str, str], key: str | None) -> str | None:
    """The translated word for a machine key (severity, verdict, cause); an unknown key as it is."""
    return _(words[key]) if key in words else key
