"""Executors: one protocol, results in input order whatever the executor and the number of workers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.engine import (
    Executor,
    InProcessExecutor,
    LocalProcessExecutor,
    batched,
    make_executor,
)


def _square_all(batch: list[int]) -> list[int]:  # module level: picklable for worker processes
    return [x * x for x in batch]


@given(st.lists(st.integers(), max_size=60), st.integers(min_value=1, max_value=9))
def test_batched_keeps_every_item_in_order(items: list[int], size: int) -> None:
    batches = list(batched(items, size))
    assert [x for b in batches for x in b] == items
    assert all(len(b) == size for b in batches[:-1]) and all(0 < len(b) <= size for b in batches)


def test_every_executor_gives_the_same_results_in_input_order() -> None:
    batches = list(batched(range(1, 200), 7))
    expected = [[x * x for x in b] for b in batches]
    executors: list[Executor] = [InProcessExecutor(), LocalProcessExecutor(1), LocalProcessExecutor(2)]
    for executor in executors:
        assert list(executor.map(_square_all, iter(batches))) == expected, executor


def test_make_executor_by_engine_and_workers() -> None:
    assert isinstance(make_executor("local", 1), InProcessExecutor)
    pool = make_executor("local", 3)
    assert isinstance(pool, LocalProcessExecutor) and pool.workers == 3
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        make_executor("spark", 2)
    with pytest.raises(ValueError, match="at least 1"):
        LocalProcessExecutor(0)


def test_engine_knows_nothing_of_text() -> None:
    # executors are generic: no khabar module above the engine is imported by it
    import ast
    from pathlib import Path

    import khabar.engine

    for path in Path(khabar.engine.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert {
            m for m in imported if m.startswith("khabar") and not m.startswith("khabar.engine")
        } == set(), path


def test_the_ray_engine_without_ray_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    import sys

    from khabar.cli import main
    from tests.conftest import SEED_PATH

    monkeypatch.setitem(sys.modules, "ray", None)  # as if not installed: ``import ray`` fails
    with pytest.raises(SystemExit) as exc:
        main(["process", str(SEED_PATH), "--engine", "ray", "-q"])
    assert exc.value.code == 2 and "pip install 'khabar[ray]'" in capsys.readouterr().err
