"""The Ray executor: the same output as the local one, byte for byte, on a local Ray instance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.engine import InProcessExecutor, batched, make_executor
from tests.conftest import SEED_PATH

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'khabar[ray]')")


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _square_all(batch: list[int]) -> list[int]:
    return [x * x for x in batch]


def _timed_nap(item: int) -> tuple[float, float]:
    import time

    start = time.monotonic()  # one clock: Ray's workers are processes of this machine
    time.sleep(0.15)
    return start, time.monotonic()


def test_ray_runs_workers_tasks_at_a_time_whatever_the_cpus() -> None:
    # Ray has 2 CPUs here; one worker must still mean one task at a time, as for the local engine
    spans = sorted(make_executor("ray", 1).map(_timed_nap, range(6)))
    assert all(later[0] >= earlier[1] for earlier, later in pairwise(spans)), spans


def test_ray_keeps_input_order_with_more_items_than_in_flight() -> None:
    batches = list(batched(range(500), 3))  # 167 tasks, 2 running at a time, at most 8 held back
    executor = make_executor("ray", 2)
    assert executor.workers == 2
    assert list(executor.map(_square_all, batches)) == list(InProcessExecutor().map(_square_all, batches))


@pytest.mark.parametrize("command", ["process", "dedup"])
def test_ray_output_is_byte_identical_to_local(command: str, tmp_path: Path, seed_text: str) -> None:
    rows = [
        {"id": f"a{i}", "text": seed_text if i % 3 else f"خبر رقم {i}: قال الوزير اليوم إن الاجتماع ناجح."}
        for i in range(40)
    ]
    rows.insert(7, {"id": "empty", "text": " "})  # a bad record: reported the same way by both
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    outs = []
    for engine, workers in (("local", "1"), ("ray", "2")):
        out = tmp_path / f"{engine}.jsonl"
        args = [
            command,
            str(src),
            str(SEED_PATH),
            "-o",
            str(out),
            "-q",
            "--engine",
            engine,
            "--workers",
            workers,
        ]
        assert main(args) == 1  # the empty record
        outs.append((out.read_bytes(), (tmp_path / f"{engine}.errors.jsonl").read_bytes()))
    assert outs[0] == outs[1] and outs[0][0].count(b"\n") == 41
