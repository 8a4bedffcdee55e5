"""Which real-dev passages come from pages that the writers of our training text studied.

The writers of `annotations/written/` and of `training/vocab/` learned layouts and
vocabulary from published pages (`annotations/pages-studied.txt`,
`training/vocab/pages.txt`). Some of those pages are also sources of real-dev
passages. No sentence was copied (the before-stop hook checks), but a writer
may have echoed such a page's layout or wording. So `eval.tagger` also scores
real-dev without them. A page matches by host (without `www.`/`m.`) and last path
segment. A listed bare host matches every page of that site.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LISTS = (ROOT / "annotations" / "pages-studied.txt", ROOT / "training" / "vocab" / "pages.txt")
_ADDRESS = re.compile(r"(?:https?://)?[\w.-]+\.(?:com|cn|net|org|hk|top|cc|edu\.cn)(?::\d+)?\S*|\d+\.\d+\.\d+\.\d+(?::\d+)?\S*")


def page_key(address: str) -> tuple[str, str | None]:
    a = address.strip()
    if not re.match(r"^[a-z]+://", a):
        a = "http://" + a
    u = urlsplit(a)
    host = re.sub(r"^(?:www|m|wap)\.", "", u.hostname or "") + (f":{u.port}" if u.port else "")
    parts = [p for p in u.path.split("/") if p and p != "…"]
    return host, (parts[-1] if parts else None)


def studied() -> tuple[set[tuple[str, str | None]], set[str]]:
    pages: set[tuple[str, str | None]] = set()
    for path in LISTS:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.startswith("#"):
                    pages.add(page_key(line))
    return pages, {host for host, last in pages if last is None}


def from_studied_page(source: str, lists=None) -> bool:
    """True if the passage's `source` names a page the writers studied."""
    pages, hosts = lists or studied()
    m = _ADDRESS.search(source or "")
    if not m:
        return False
    host, last = page_key(m.group(0))
    return (host, last) in pages or host in hosts
