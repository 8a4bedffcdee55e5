"""Finding report files in folders and zip archives, safely."""

from __future__ import annotations

import shutil
from pathlib import Path

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


# hostile folders and archives (issue 17): nothing blocks, nothing is read from outside, nothing overwrites


def test_fifo_and_devices_are_skipped_without_blocking(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    entries, _ = _collect([folder, tmp_path / "zero.txt"], tmp_path)
    by = {e.source: e for e in entries}
    assert by[str(folder / "pipe.txt")].reason == "not a regular file (a FIFO)"
    # a link named on the command line is followed, but only to a regular file
    assert by[str(tmp_path / "zero.txt")].reason == "not a regular file (a device)"


def test_links_are_not_followed_out_of_the_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SEED)
    (folder / "inside.txt").write_bytes(SEED)
    (folder / "to-secret.txt").symlink_to(secret)
    (folder / "to-passwd.txt").symlink_to("/etc/passwd")
    (folder / "to-inside.txt").symlink_to(folder / "inside.txt")
    (folder / "etc").symlink_to("/etc")
    entries, _ = _collect([folder], tmp_path)
    items = sorted(e.source for e in entries if isinstance(e, Item))
    assert items == [str(folder / "inside.txt"), str(folder / "to-inside.txt")]
    skipped = {Path(e.source).name: e.reason for e in entries if isinstance(e, Skip)}
    assert set(skipped) == {"to-secret.txt", "to-passwd.txt", "etc"}
    assert all("outside the input folder" in r for r in skipped.values())


def test_loops_of_links_are_named_as_loops(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "self.txt").symlink_to("self.txt")
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "gone.txt").symlink_to("nowhere.txt")
    (folder / "sub" / "up").symlink_to("..")  # a folder link back up: the walk does not enter it
    entries, _ = _collect([folder], tmp_path)
    reasons = {Path(e.source).name: e.reason for e in entries if isinstance(e, Skip)}
    loop = "a link that leads back to itself (a loop of links)"
    assert reasons == {"self.txt": loop, "a.txt": loop, "b.txt": loop, "gone.txt": "broken link",
                       "up": "a link to a folder (not followed)"}
    # named on the command line, the same loop is said the same way
    entries, _ = _collect([folder / "a.txt"], tmp_path)
    assert [e.reason for e in entries] == [loop]


def test_members_of_one_name_are_read_each_as_itself(tmp_path):
    import warnings

    other = SEED.replace("益阳".encode(), "常德".encode())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is told to write
        archive = zip_members(tmp_path / "dup.zip", {"a/报告.txt": SEED, "a//报告.txt": other})
        import zipfile

        with zipfile.ZipFile(archive, "a") as zf:
            zf.writestr("a/报告.txt", b"third " + SEED)
    entries, _ = _collect([archive], tmp_path)
    items = [e for e in entries if isinstance(e, Item)]
    assert len(items) == 3
    assert len({i.source for i in items}) == 3 and len({i.file for i in items}) == 3
    assert sorted(i.file.read_bytes() for i in items) == sorted([SEED, other, b"third " + SEED])
    assert f"{archive}!/a/报告.txt (#2)" in {i.source for i in items}


def test_member_names_too_long_for_the_disk_are_read(tmp_path):
    name = "长" * 120 + ".txt"  # 360 bytes in UTF-8: no file system takes it whole
    entries, _ = _collect([zip_members(tmp_path / "long.zip", {name: SEED})], tmp_path)
    items = [e for e in entries if isinstance(e, Item)]
    assert len(items) == 1 and items[0].source.endswith(name) and items[0].file.suffix == ".txt"
    assert items[0].file.read_bytes() == SEED


def test_nested_bomb_gives_two_lines_not_thousands(tmp_path):
    level = zip_members(tmp_path / "l0.zip", {"r.txt": SEED})
    for k in range(1, 6):  # 4**5 archives deep below the cap
        level = zip_members(tmp_path / f"l{k}.zip", {f"{k}-{j}.zip": level.read_bytes() for j in range(4)})
    entries, _ = _collect([level], tmp_path)
    skips = [e for e in entries if isinstance(e, Skip)]
    assert len(skips) == 2
    assert "nested deeper" in skips[0].reason
    assert skips[1].source == str(level) and skips[1].reason.startswith("63 more members refused")


def test_one_byte_budget_for_the_whole_archive_tree(tmp_path, monkeypatch):
    from extractor.batch import sources

    monkeypatch.setattr(sources, "MAX_ARCHIVE_BYTES", 3 * len(SEED))
    inner = zip_members(tmp_path / "inner.zip", {f"r{k}.txt": SEED for k in range(3)})
    outer = zip_members(tmp_path / "outer.zip", {f"in{k}.zip": inner.read_bytes() for k in range(3)})
    entries, work = _collect([outer], tmp_path)
    items = [e for e in entries if isinstance(e, Item)]
    # each nested archive is under the cap, the tree is not: unpacking stops at the tree's budget
    assert 1 <= len(items) < 9
    assert any("unpacks to more than" in e.reason for e in entries if isinstance(e, Skip))
    # nested archives' own bytes are gone once read
    assert not list(work.rglob("*.zip"))


def test_office_macro_and_template_files_are_documents_not_archives(tmp_path):
    docx = FIXTURES / "001_ec7b4c7cefe3081c.docx"
    folder = tmp_path / "in"
    folder.mkdir()
    for suffix in (".docm", ".dotx", ".docx"):
        shutil.copy(docx, folder / f"r{suffix}")
    entries, _ = _collect([folder], tmp_path)
    assert sorted(Path(e.source).suffix for e in entries if isinstance(e, Item)) == [".docm", ".docx", ".dotx"]


def test_members_that_are_not_reports_are_logged_once_per_kind(tmp_path):
    archive = zip_members(tmp_path / "mixed.zip", {**{f"data/{i}.csv": b"a,b" for i in range(50)},
                                                   "notes/readme.md": b"#", "report.txt": SEED})
    entries, _ = _collect([archive], tmp_path)
    skips = [e for e in entries if isinstance(e, Skip)]
    assert all(s.not_report for s in skips)
    assert sorted(s.reason for s in skips) == ["not a report format (.csv)", "not a report format (.csv): 49 more members like it",
                                               "not a report format (.md)"]
    assert [e.source for e in entries if isinstance(e, Item)] == [f"{archive}!/report.txt"]
