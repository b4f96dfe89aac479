"""The newsgen command as an editor runs it: exit codes, messages, init and new."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest
import yaml

from conftest import REPO, article, run_cli

from newsgen.scaffold import new_article


def test_build_prints_a_summary_line(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n",
                      "content/a/x.md": article("X"), "content/a/d.md": article("D", draft=True)})
    code, out = run_cli("build", "-s", str(site))
    assert code == 0, out
    assert "built 1 articles (1 draft left out), " in out and " rendered, " in out and " s -> " in out
    assert (site / "build/a/x/index.html").is_file()


def test_build_into_another_folder_with_drafts(site_tree, tmp_path):
    site = site_tree({"newsgen.yaml": "search: false\n", "content/a/d.md": article("D", draft=True)})
    code, _ = run_cli("build", "-s", str(site), "-o", str(tmp_path / "public"), "--drafts")
    assert code == 0 and (tmp_path / "public/a/d/index.html").is_file()


def test_output_folder_may_not_be_the_site(site_tree):
    site = site_tree({"content/a/x.md": article("X")})
    code, out = run_cli("build", "-s", str(site), "-o", str(site))
    assert code == 2 and "contains the site itself" in out
    assert (site / "content/a/x.md").is_file()


def test_missing_site_folder_is_a_usage_error(tmp_path):
    code, out = run_cli("build", "-s", str(tmp_path / "nowhere"))
    assert code == 2 and "does not exist" in out and "Traceback" not in out


def test_new_article_gets_transliterated_slug_and_local_date(site_tree):
    site = site_tree({"newsgen.yaml": "timezone: Asia/Almaty\n"})
    when = datetime(2025, 12, 19, 4, 30, tzinfo=timezone.utc)
    path = new_article(site, "Казахстан и Узбекистан", "economy", now=when)
    assert path == site / "content/economy/kazakhstan-i-uzbekistan.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "Казахстан и Узбекистан"
    assert str(front["date"]) == "2025-12-19 09:30:00+05:00"


def test_new_command_refuses_to_overwrite(site_tree):
    site = site_tree({"newsgen.yaml": "title: X\n"})
    assert run_cli("new", "Talks resume", "--section", "politics", "-s", str(site))[0] == 0
    code, out = run_cli("new", "Talks resume", "--section", "politics", "-s", str(site))
    assert code == 2 and "already exists" in out


def test_new_article_builds_once_published(site_tree):
    site = site_tree({"newsgen.yaml": "search: false\n"})
    path = new_article(site, "Talks: day two", "politics", now=datetime(2025, 1, 1, tzinfo=timezone.utc))
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    code, out = run_cli("build", "-s", str(site))
    assert code == 0, out
    assert "Talks: day two" in (site / "build/politics/talks-day-two/index.html").read_text()


def test_init_makes_a_site_that_builds(tmp_path):
    code, out = run_cli("init", str(tmp_path / "paper"), "--title", "Steppe Times")
    assert code == 0, out
    assert "uses newsgen's default theme" in out and "newsgen theme eject NAME" in out
    assert not (tmp_path / "paper/templates").exists()  # the theme is used from newsgen, never copied
    code, out = run_cli("build", "-s", str(tmp_path / "paper"))
    assert code == 0, out
    home = (tmp_path / "paper/build/index.html").read_text()
    assert "Steppe Times" in home and "KZT/USD" in home
    assert run_cli("init", str(tmp_path / "paper"))[0] == 2  # never over an existing site


def test_init_no_ticker_makes_a_site_that_builds_without_a_ticker_or_a_warning(tmp_path):
    code, out = run_cli("init", str(tmp_path / "blog"), "--no-ticker")
    assert code == 0, out
    assert not (tmp_path / "blog/data/rates.yaml").exists()
    assert "ticker: false" in (tmp_path / "blog/newsgen.yaml").read_text()
    assert "rates.yaml" not in (tmp_path / "blog/content/politics/welcome-to-newsgen.md").read_text()
    code, out = run_cli("build", "-s", str(tmp_path / "blog"))
    assert code == 0, out
    assert "warning" not in out
    home = (tmp_path / "blog/build/index.html").read_text()
    assert 'class="ticker' not in home and "/rates/" not in home and "Markets" not in home
    assert not (tmp_path / "blog/build/rates").exists()


@pytest.mark.skipif(os.environ.get("NEWSGEN_SKIP_WHEEL") == "1", reason="wheel test disabled")
def test_init_works_after_a_plain_pip_install_of_the_wheel(tmp_path):
    """The theme must travel inside the wheel: install it in a fresh venv, away from the checkout."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheels), str(REPO)],
                   check=True, capture_output=True)
    python = sys.executable  # the wheel goes first on the path, ahead of this checkout's editable install
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(tmp_path / "lib"),
                    str(next(wheels.glob("*.whl")))], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib")}
    script = ("import newsgen, sys; from newsgen.cli import main; "
              "assert 'lib' in newsgen.__file__, newsgen.__file__; sys.argv=['newsgen', *sys.argv[1:]]; main()")
    for args in (["init", str(tmp_path / "fresh")], ["build", "-s", str(tmp_path / "fresh")],
                 ["theme", "eject", "-s", str(tmp_path / "fresh"), "partials/ticker.html"]):
        done = subprocess.run([python, "-c", script, *args], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert "KZT/USD" in (tmp_path / "fresh/build/index.html").read_text()
    assert (tmp_path / "fresh/templates/partials/ticker.html").read_bytes() == (
        REPO / "templates/partials/ticker.html").read_bytes()  # from the theme inside the wheel
