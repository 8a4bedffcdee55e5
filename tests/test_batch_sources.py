"""Finding report files in folders and zip archives, safely."""

from __future__ import annotations

import shutil

from extractor.batch.sources import Item, Skip, collect, safe_member_path
from tests.batch_corpus import FIXTURES, zip_bomb, zip_members, zip_with_raw_names

SEED = (FIXTURES / "004_3a7665fe0dde1512.txt").read_bytes()


def _collect(paths, tmp_path):
    work = tmp_path / "work"
    return list(collect(paths, work)), work


def test_gbk_member_names_are_decoded(tmp_path):
    name = "岳阳市工信局/2024年部门整体支出绩效自评报告.txt"
    archive = zip_with_raw_names(tmp_path / "gbk.zip", {name.encode("gbk"): SEED})
    entries, work = _collect([archive], tmp_path)
    items = [e for e in entries if isinstance(e, Item)]
    assert [i.source for i in items] == [f"{archive}!/{name}"]
    assert items[0].file.read_bytes() == SEED
    assert work in items[0].file.parents


def test_utf8_member_names_and_nested_archives(tmp_path):
    inner = zip_members(tmp_path / "inner.zip", {"二级/报告.txt": SEED})
    outer = zip_members(tmp_path / "outer.zip", {"一级/inner.zip": inner.read_bytes(), "说明.txt": SEED})
    entries, _ = _collect([outer], tmp_path)
    sources = sorted(e.source for e in entries if isinstance(e, Item))
    assert sources == sorted([f"{outer}!/一级/inner.zip!/二级/报告.txt", f"{outer}!/说明.txt"])


def test_members_outside_the_folder_are_refused_and_nothing_escapes(tmp_path):
    archive = zip_members(tmp_path / "evil.zip", {"../../escaped.txt": b"x", "/abs.txt": b"y",
                                                  "C:/win.txt": b"z", "ok/seed.txt": SEED})
    entries, _work = _collect([archive], tmp_path)
    refused = {e.source: e.reason for e in entries if isinstance(e, Skip)}
    assert len(refused) == 3 and all("outside" in r for r in refused.values())
    assert [e.source for e in entries if isinstance(e, Item)] == [f"{archive}!/ok/seed.txt"]
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip", "work"]


def test_safe_member_path():
    assert str(safe_member_path("a/./b.txt")) == "a/b.txt"
    assert safe_member_path("a/../../b.txt") is None
    assert safe_member_path("..\\b.txt") is None
    assert safe_member_path("/b.txt") is None and safe_member_path("D:\\x.pdf") is None


def test_zip_bomb_is_refused_without_unpacking(tmp_path):
    archive = zip_bomb(tmp_path / "bomb.zip", megabytes=64)
    assert archive.stat().st_size < 1 << 20
    entries, work = _collect([archive], tmp_path)
    assert len(entries) == 1 and isinstance(entries[0], Skip)
    assert "zip bomb" in entries[0].reason
    assert sum(p.stat().st_size for p in work.rglob("*") if p.is_file()) == 0 if work.exists() else True


def test_junk_zip_and_non_reports_are_skipped_with_reasons(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "junk.zip").write_bytes(b"PK\x03\x04garbage")
    (folder / "table.csv").write_text("a,b", encoding="utf-8")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    shutil.copy(FIXTURES / "004_3a7665fe0dde1512.txt", folder / "r.txt")
    entries, _ = _collect([folder, tmp_path / "missing"], tmp_path)
    by = {e.source: e for e in entries}
    assert isinstance(by[str(folder / "r.txt")], Item)
    assert "not a readable zip" in by[str(folder / "junk.zip")].reason
    assert by[str(folder / "table.csv")].not_report
    assert not by[str(folder / "junk.zip")].not_report
    assert str(folder / ".hidden.txt") not in by
    assert by[str(tmp_path / "missing")].reason == "no such file or folder"


def test_same_bytes_same_hash(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_bytes(SEED)
    b.write_bytes(SEED + b"\n")
    entries, _ = _collect([a, b], tmp_path)
    assert entries[0].sha256 != entries[1].sha256 and len(entries[0].sha256) == 64


def test_sample_archive_holds_the_fixtures_under_gbk_names(tmp_path):
    archive = FIXTURES.parent.parent / "examples" / "sample-archive.zip"
    entries, _ = _collect([archive], tmp_path)
    items = [e for e in entries if isinstance(e, Item)]
    assert len(items) == 19 and all("2024年绩效自评报告/" in i.source for i in items)
    # other provinces' forms (其他省份/) are layout documents of tests/layouts
    layouts = {"四川_部门预算项目支出绩效自评表.html": "sichuan-dept-project-a.html",
               "云南_项目支出绩效自评表.docx": "yunnan-project-a.docx", "湖北_财政项目绩效自评表.pdf": "hubei-project-b.pdf"}
    for item in items:
        if "/其他省份/" in item.source:
            original = FIXTURES.parent / "layouts" / layouts[item.file.name]
        elif "/扫描件/" in item.source:
            # the scanned 004 is the committed scan of the fixture PDF of the same name
            original = FIXTURES / "scanned" / item.file.name
        else:
            original = FIXTURES / item.file.name
        assert item.file.read_bytes() == original.read_bytes()
