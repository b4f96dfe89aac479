"""The benchmark script runs end to end on a tiny corpus and reports every figure.

The figures themselves are never asserted: speed targets live in the benchmark's
output, not in tests (a shared machine makes timings flaky).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_runs_and_reports_every_figure(tmp_path):
    newsgen = shutil.which("newsgen") or str(Path(sys.executable).parent / "newsgen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench/run.py"), "--sizes", "30", "--repeat", "1", "--skip-peers",
         "--work", str(tmp_path), "--newsgen", newsgen],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    for figure in ("newsgen cold build", "peak memory, tree RSS sum", "no-op rebuild", "one-article edit",
                   "rates change", "watch latency"):
        assert figure in done.stdout
    # the memory the build's processes hold, shared pages counted once, is measured beside the RSS sum
    assert re.search(r"peak memory, tree PSS sum\W+[\d,]+ MB", done.stdout), done.stdout
    # every published article of the corpus got its page, and nothing failed along the way
    published = re.search(r"articles \(published\)\s+30 \((\d+)\)", done.stdout)
    assert published and f"articles {published.group(1)}/{published.group(1)}" in done.stdout
    assert json.loads((tmp_path / "results.json").read_text())
    assert "hugo not measured; pelican not measured" in done.stdout  # peers skipped, and the report says so
