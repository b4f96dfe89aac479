"""A planted ``.newsgen/`` (a shared CI cache, a copied site) never runs code on the next build.

The build state and the skeleton hold pickles; each test plants a pickle that would
create a file when unpickled, in a place the next build reads, and checks that the file
is never made and that the build is still right.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from conftest import article, build_site, read


class Planted:
    """Unpickling this opens (and so creates) ``path``: the stand-in for any command."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # noqa: ANN204 - pickle's protocol
        return (open, (str(self.path), "w"))


@pytest.fixture
def site(site_tree) -> Path:
    site = site_tree({"newsgen.yaml": "search: false\n",
                      **{f"content/politics/s{i}.md": article(f"Story {i}", f"2025-12-{10 + i}", body=f"Text {i}.")
                         for i in range(5)}})
    build_site(site)
    return site


def plant_in_table(site: Path, table: str, marker: Path) -> None:
    db = sqlite3.connect(site / ".newsgen/state.db")
    db.execute(f"UPDATE {table} SET data = ?", (pickle.dumps(Planted(marker)),))
    db.commit()
    db.close()


def test_a_pickle_planted_among_the_cached_articles_is_never_unpickled(site, tmp_path):
    marker = tmp_path / "ran"
    plant_in_table(site, "articles", marker)
    (site / "content/politics/s4.md").write_text(article("Story 4", "2025-12-14", body="Text 4, edited."))
    (site / "data").mkdir()
    (site / "data/rates.yaml").write_text("rates:\n  - {code: KZT, rate: 0.002, change: 0.1}\n")  # a full build
    out, result, _ = build_site(site)
    assert not marker.exists()
    assert result.parsed == 5  # every cached article was refused and read again from its source
    assert "Text 0." in read(out, "/politics/s0/") and "Text 4, edited." in read(out, "/politics/s4/")


def test_a_pickle_planted_among_the_rendered_bodies_is_never_unpickled(site, tmp_path):
    marker = tmp_path / "ran"
    plant_in_table(site, "markdown", marker)
    # a new headline over the same body: the body's HTML would come from the planted row
    (site / "content/politics/s4.md").write_text(article("Story 4, retitled", "2025-12-14", body="Text 4."))
    out, result, _ = build_site(site)
    assert not marker.exists()
    assert result.parsed == 1
    assert "<p>Text 4.</p>" in read(out, "/politics/s4/") and "Story 4, retitled" in read(out, "/politics/s4/")


def test_a_skeleton_planted_in_place_of_the_real_one_is_never_unpickled(site, tmp_path):
    """The planted file keeps the real one's size, inode and time, as a restored cache could."""
    marker = tmp_path / "ran"
    skeleton = site / ".newsgen/skeleton.pickle"
    info = skeleton.stat()
    planted = pickle.dumps(Planted(marker))
    with open(skeleton, "r+b") as file:
        file.write(planted + b"\0" * (info.st_size - len(planted)))
    os.utime(skeleton, ns=(info.st_atime_ns, info.st_mtime_ns))
    (site / "content/politics/s4.md").write_text(article("Story 4", "2025-12-14", body="Text 4, edited."))
    out, result, _ = build_site(site)
    assert not marker.exists()
    assert not result.delta  # the skeleton was refused: a full build
    assert "Text 4, edited." in read(out, "/politics/s4/")


def test_a_page_of_the_skeleton_planted_behind_its_sealed_header_is_never_unpickled(site, tmp_path):
    """Only the skeleton file's header is sealed; each page's spec after it is trusted by the
    digest the header gives it, so a planted spec of the same length is refused."""
    marker = tmp_path / "ran"
    skeleton = site / ".newsgen/skeleton.pickle"
    data = skeleton.read_bytes()
    header = 8 + int.from_bytes(data[:8], "little")
    planted = pickle.dumps(Planted(marker))
    last = len(data) - len(planted)  # the last page's spec, which every delta build reads
    assert last > header
    skeleton.write_bytes(data[:last] + planted)
    (site / "content/politics/s4.md").write_text(article("Story 4", "2025-12-14", body="Text 4, edited."))
    out, result, _ = build_site(site)
    assert not marker.exists()
    assert not result.delta
    assert "Text 4, edited." in read(out, "/politics/s4/")


def test_a_record_of_the_sources_planted_in_place_of_the_real_one_is_not_trusted(site, monkeypatch):
    """The record says which hash each file's signature stands for; a forged one that gave an
    edited file its old hash would hide the edit. It is refused unless sealed with this key."""
    import marshal
    from array import array

    from newsgen import scan, sealed

    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the files here were written a moment ago
    build_site(site)  # now the record holds every source
    record = site / ".newsgen/sources.bin"
    keys_text, *parts, hashes_text = marshal.loads(sealed.unseal(record.read_bytes()))
    keys, hashes = keys_text.split("\n"), hashes_text.split("\n")
    columns = [array(code, part) for code, part in zip("qqqQ", parts)]
    source = site / "content/politics/s4.md"
    source.write_text(article("Story 4", "2025-12-14", body="Text 4, edited."))
    info, at = source.stat(), keys.index("content/politics/s4.md")
    for column, value in zip(columns, (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)):
        column[at] = value  # the edited file's new signature, with the hash of its old bytes
    record.write_bytes(marshal.dumps((keys_text, *(c.tobytes() for c in columns), "\n".join(hashes))))
    out, result, _ = build_site(site)
    assert "Text 4, edited." in read(out, "/politics/s4/")
    assert result.parsed == 1


@pytest.mark.parametrize("damage", ["gone", "foreign"])
def test_a_build_that_needs_the_sources_record_it_cannot_read_reads_every_file_again(site, monkeypatch, damage):
    """The files are as the state's digests say, so nothing tells the scan the record is bad
    until a build needs it (here, for new settings): it then reads the sources instead."""
    from newsgen import scan

    monkeypatch.setattr(scan, "RACY_SECONDS", 0)  # the files here were written a moment ago
    build_site(site)  # now the record holds every source
    record = site / ".newsgen/sources.bin"
    if damage == "gone":
        record.unlink()
    else:
        record.write_bytes(b"\0" * 32 + record.read_bytes()[32:])  # a seal that is not this key's
    (site / "newsgen.yaml").write_text("search: false\ntitle: The Steppe Courier\n")
    out, result, _ = build_site(site)
    assert "The Steppe Courier" in read(out, "/politics/s0/") and "Text 3." in read(out, "/politics/s3/")
    assert result.articles == 5
    _, again, _ = build_site(site)  # and the record is whole again: nothing to do
    assert (again.parsed, again.rendered) == (0, 0)


def test_a_state_written_under_another_key_is_not_trusted(site, tmp_path, monkeypatch):
    """Another user's (or machine's) state is read as a cache miss, never as articles."""
    import newsgen.sealed

    monkeypatch.setenv(newsgen.sealed.KEY_VARIABLE, "another key")
    newsgen.sealed._key.cache_clear()
    try:
        (site / "content/politics/s0.md").write_text(article("Story 0", "2025-12-10", body="Text 0, edited."))
        out, result, _ = build_site(site)
        assert result.parsed == 5 and not result.delta
        assert "Text 0, edited." in read(out, "/politics/s0/")
    finally:
        monkeypatch.delenv(newsgen.sealed.KEY_VARIABLE)
        newsgen.sealed._key.cache_clear()


def test_a_user_without_a_home_for_the_key_still_builds_on_every_core(site_tree, tmp_path):
    """No key file can be kept (a container user without a home): each process would make its own
    key, so the parent must settle it before the workers fork, or it cannot read what they parse."""
    import subprocess
    import sys

    site = site_tree({"newsgen.yaml": "search: false\n",
                      **{f"content/politics/s{i}.md": article(f"Story {i}", f"2025-11-{1 + i % 28:02d}")
                         for i in range(80)}})  # enough sources for the parse to go to a worker
    env = {**os.environ, "XDG_STATE_HOME": "/proc/no-home-here", "SOURCE_DATE_EPOCH": "1767268800"}
    env.pop("NEWSGEN_STATE_KEY", None)
    for _ in range(2):  # the second build trusts nothing the first one cached, and is right all the same
        done = subprocess.run([sys.executable, "-m", "newsgen", "build", "-j", "2", "-s", str(site)], env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Story 79" in (site / "build/politics/s79/index.html").read_text()
