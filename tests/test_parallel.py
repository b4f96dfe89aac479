"""Work spread over processes: every item once, in order, whichever process did it."""
from __future__ import annotations

import os

import pytest

from newsgen import parallel


def _pids(job: str, chunk) -> list[tuple[int, str, int]]:
    return [(item, job, os.getpid()) for item in chunk]


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked; this platform cannot fork")
def test_workers_forked_afresh_along_the_way_hand_back_every_item_in_order(monkeypatch):
    monkeypatch.setattr(parallel, "ITEMS_PER_FORK", 40)  # a new worker after every 40 items it takes
    results = parallel.run_chunks(_pids, range(1000), 2, "job")
    assert [item for item, _, _ in results] == list(range(1000))
    assert {job for _, job, _ in results} == {"job"}  # the job reached every process by the fork
    workers = {pid for _, _, pid in results} - {os.getpid()}
    assert len(workers) >= 2  # the worker that had taken its share was replaced
    assert all(not os.path.exists(f"/proc/{pid}") or _is_zombie_or_gone(pid) for pid in workers)


def _is_zombie_or_gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True
