"""Property: whatever an editor types, a build either succeeds or reports clean content errors.

Random front matter (valid and broken values, random YAML text) and random bodies must
never crash newsgen with a Python exception, never produce a message that is not one
readable line with a file name, and never write anything outside the output folder.
"""
from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import yaml
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from newsgen.build import BuildOptions, build
from newsgen.errors import ContentError

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

scalars = st.one_of(st.text(max_size=30), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
                    st.sampled_from(["2025-12-19", "2025-13-45", "2025-02-30", "2025-12-19T10:00:00+05:00",
                                     "../../etc", "/abs/path", "..", "Казахстан", "<script>alert(1)</script>",
                                     "{{ site.x }}", "{% raw %}", "a: b", "- x", "'", '"', "\t", "&amp;"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=6)
keys = st.sampled_from(["title", "date", "section", "slug", "tags", "authors", "author", "summary", "image",
                        "updated", "draft", "featured", "redirect_from", "aliases", "titel", "extra"])
valid_base = st.fixed_dictionaries({"title": st.text(min_size=1, max_size=40),
                                    "date": st.dates().map(lambda d: d.isoformat())})
front_matter = st.one_of(
    st.tuples(valid_base, st.dictionaries(keys.filter(lambda k: k not in ("title", "date")), values, max_size=2))
    .map(lambda pair: yaml.safe_dump({**pair[0], **pair[1]}, allow_unicode=True)),
    st.dictionaries(keys, values, max_size=8).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.text(max_size=120),  # arbitrary text where YAML should be
)
bodies = st.text(max_size=300) | st.sampled_from(["{% image 'x' %}", "<script>x</script>", "[a](/../../x)", "\x00\x01"])


def files_outside(root: Path, output: Path) -> set[str]:
    """Files anywhere under root except in the output folder and the build-state folder."""
    state = output.parent / ".newsgen"
    return {p.relative_to(root).as_posix() for p in root.rglob("*")
            if output not in p.parents and p != output and state not in p.parents and p != state}


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(front_matter, bodies), min_size=1, max_size=3), st.sampled_from([True, True, True, False]))
def test_random_content_builds_or_fails_cleanly(sources, with_fences):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        site = root / "site"
        (site / "content/news").mkdir(parents=True)
        (site / "data").mkdir()
        (site / "newsgen.yaml").write_text("search: false\n")  # the search index is tested elsewhere
        (site / "data/rates.yaml").write_text("rates:\n  - {code: KZT, rate: 0.00193, change: -0.004}\n")
        for i, (front, body) in enumerate(sources):
            text = f"---\n{front}\n---\n{body}" if with_fences else front + body
            (site / f"content/news/a{i}.md").write_text(text, encoding="utf-8", errors="surrogatepass")
        before = files_outside(root, site / "build")
        try:
            result = build(BuildOptions(site=site, now=NOW))
            assert (result.output / "index.html").is_file()
            event("built")
        except ContentError as exc:
            assert exc.problems
            event("content error")
            for problem in exc.problems:
                line = problem.format()
                assert "\n" not in line and line.startswith("content/news/a"), line
                assert "Traceback" not in line and "object at 0x" not in line
            assert not (site / "build").exists()
        # nothing appeared anywhere but in the output and state folders
        assert files_outside(root, site / "build") == before
