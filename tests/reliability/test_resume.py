"""Resumable runs (issue 9, item 4): ``khabar process`` writes ``OUT.partial`` and renames it when
complete; killed (SIGKILL) at any point and rerun with ``--resume``, it continues from its last completed
shard and ends with the output and the errors file byte-identical to an uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from khabar.api import ResumeError, process
from khabar.cli import main
from khabar.stages.runner import BATCH_SIZE, SHARD_BATCHES

FAST = ["--no-entities", "--no-dates", "--no-numbers", "--no-quotes"]
FAST_STAGES: tuple[str, ...] = ()
SHARD = BATCH_SIZE * SHARD_BATCHES
N_RECORDS = 8 * SHARD + 100  # eight whole shards and a part of one


def _input(path: Path, n: int = N_RECORDS) -> Path:
    """Records with every 50th one bad (an empty text) and every 7th a repeated paragraph (an edit)."""
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = f"قال المتحدث إن الاجتماع رقم {i} انتهى باتفاق على خطة جديدة للتعاون."
            if i % 7 == 0:
                text = f"{text}\n\n{text}"
            f.write(
                json.dumps({"id": f"r{i}", "text": "" if i % 50 == 0 else text}, ensure_ascii=False) + "\n"
            )
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, bytes]:
    """The input, and the output and errors file of an uninterrupted run."""
    d = tmp_path_factory.mktemp("reference")
    src = _input(d / "in.jsonl")
    assert main(["process", str(src), "-o", str(d / "out.jsonl"), *FAST, "-q"]) == 1
    assert sorted(p.name for p in d.iterdir()) == ["in.jsonl", "out.errors.jsonl", "out.jsonl"]
    return src, (d / "out.jsonl").read_bytes(), (d / "out.errors.jsonl").read_bytes()


def _cmd(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "khabar.cli", "process", str(src), "-o", str(out), *FAST, "-q", *extra]


def _consumed(state: Path) -> int:
    try:
        return int(json.loads(state.read_text(encoding="utf-8"))["consumed"])
    except (OSError, ValueError, KeyError):  # not there yet, or being replaced
        return 0


def _kill_after(cmd: list[str], state: Path, consumed: int) -> None:
    """Start ``cmd`` and SIGKILL it once its state file says ``consumed`` inputs are done."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and _consumed(state) < consumed:
            time.sleep(0.005)
        assert proc.poll() is None, "khabar process ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_killed_three_times_and_resumed_ends_byte_identical(
    tmp_path: Path, reference: tuple[Path, bytes, bytes]
) -> None:
    src, want_out, want_errors = reference
    out, partial = tmp_path / "out.jsonl", tmp_path / "out.jsonl.partial"
    state = tmp_path / "out.jsonl.partial.state"
    _kill_after(_cmd(src, out), state, SHARD)
    assert not out.exists() and partial.exists()  # a killed run never leaves a file by the final name
    # the next kills come mid-shard, after lines past the checkpoint were written (and are cut back)
    _kill_after(_cmd(src, out, "--resume"), state, 3 * SHARD)
    _kill_after(_cmd(src, out, "--resume", "--workers", "2"), state, 5 * SHARD)
    assert partial.stat().st_size >= json.loads(state.read_text())["output_bytes"]
    done = subprocess.run(_cmd(src, out, "--resume"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # 1: the bad records, reported
    assert out.read_bytes() == want_out
    assert (tmp_path / "out.errors.jsonl").read_bytes() == want_errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.errors.jsonl", "out.jsonl"]


def test_interrupted_at_any_point_resumes_to_the_same_bytes_and_counts(tmp_path: Path) -> None:
    src = _input(tmp_path / "in.jsonl", 3 * SHARD + 40)
    ref = process([str(src)], str(tmp_path / "ref.jsonl"), stages=FAST_STAGES, on_error=lambda m: None)
    ref_errors = (tmp_path / "ref.errors.jsonl").read_bytes()
    # before the first checkpoint (nothing to resume), at a shard's last input (just before its
    # checkpoint), just after a checkpoint, mid-shard, and with the last shard partly written
    for stop in (100, SHARD, SHARD + 1, 2 * SHARD - 7, 3 * SHARD + 39):
        out = tmp_path / f"out{stop}.jsonl"
        _interrupted(src, out, stop)
        assert not out.exists()
        notes: list[str] = []
        got = process(
            [str(src)],
            str(out),
            stages=FAST_STAGES,
            on_error=lambda m: None,
            resume=True,
            on_notice=notes.append,
        )
        assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes(), stop
        assert (tmp_path / f"out{stop}.errors.jsonl").read_bytes() == ref_errors, stop
        # the summary counts the whole run, the part before the interruption too
        assert (got.read, got.written, got.errors, got.repaired) == (
            ref.read,
            ref.written,
            ref.errors,
            ref.repaired,
        )
        assert got.reasons == ref.reasons
        assert got.run.stages["repair"].articles_in == ref.run.stages["repair"].articles_in
        after = (stop - 1) // SHARD * SHARD  # on_record comes before the checkpoint of its shard
        assert notes == (
            [f"resuming {out}.partial after {after:,} inputs"]
            if after
            else [
                f"nothing to resume for {out} (no {out}.partial with its state): starting from the beginning"
            ]
        )
        assert not Path(f"{out}.partial").exists() and not Path(f"{out}.partial.state").exists()


def _interrupted(src: Path, out: Path, stop: int = SHARD + 5) -> None:
    seen = 0

    def interrupt() -> None:
        nonlocal seen
        seen += 1
        if seen == stop:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        process([str(src)], str(out), stages=FAST_STAGES, on_error=lambda m: None, on_record=interrupt)


def test_resume_with_other_inputs_or_options_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = _input(tmp_path / "in.jsonl", 2 * SHARD)
    out = tmp_path / "out.jsonl"
    _interrupted(src, out)
    partial = Path(f"{out}.partial")
    kept = partial.read_bytes()
    other = _input(tmp_path / "other.jsonl", 2 * SHARD)
    with pytest.raises(SystemExit) as exc:  # another input
        main(["process", str(other), "-o", str(out), *FAST, "-q", "--resume"])
    assert exc.value.code == 2
    assert "was written from other inputs or options" in capsys.readouterr().err
    with pytest.raises(SystemExit):  # other options: the dates stage on
        main(
            ["process", str(src), "-o", str(out), "--no-entities", "--no-numbers", "--no-quotes", "--resume"]
        )
    with src.open("a", encoding="utf-8") as f:  # the same input, changed since
        f.write('{"id": "late", "text": "نص جديد"}\n')
    with pytest.raises(ResumeError, match="other inputs or options"):
        process([str(src)], str(out), stages=FAST_STAGES, resume=True)
    assert partial.read_bytes() == kept and not out.exists()  # a refusal touches nothing


def test_stdout_and_compressed_outputs_cannot_resume(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    src = _input(tmp_path / "in.jsonl", 10)
    for output in (
        [],
        ["-o", "-"],
        ["-o", str(tmp_path / "o.jsonl.gz")],
        ["-o", str(tmp_path / "o.parquet")],
    ):
        with pytest.raises(SystemExit) as exc:
            main(["process", str(src), *output, *FAST, "--resume"])
        assert exc.value.code == 2
        assert "--resume needs a plain JSON Lines file output" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_without_resume_a_partial_output_is_replaced_and_said_so(tmp_path: Path) -> None:
    src = _input(tmp_path / "in.jsonl", 2 * SHARD)
    out = tmp_path / "out.jsonl"
    _interrupted(src, out)
    notes: list[str] = []
    process([str(src)], str(out), stages=FAST_STAGES, on_error=lambda m: None, on_notice=notes.append)
    assert notes == [f"replacing {out}.partial left by an interrupted run (--resume would continue it)"]
    process([str(src)], str(tmp_path / "ref.jsonl"), stages=FAST_STAGES, on_error=lambda m: None)
    assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "in.jsonl",
        "out.errors.jsonl",
        "out.jsonl",
        "ref.errors.jsonl",
        "ref.jsonl",
    ]


def test_dedup_writes_through_partial_and_says_resume_is_not_supported(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    src = _input(tmp_path / "in.jsonl", 30)
    with pytest.raises(SystemExit) as exc:
        main(["dedup", str(src), "-o", str(tmp_path / "d.jsonl"), *FAST, "--resume"])
    assert exc.value.code == 2
    assert "--resume is not supported for dedup yet" in capsys.readouterr().err
    assert main(["dedup", str(src), "-o", str(tmp_path / "d.jsonl"), *FAST, "-q"]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.errors.jsonl", "d.jsonl", "in.jsonl"]
    assert len((tmp_path / "d.jsonl").read_bytes().splitlines()) == 29


def test_a_resumed_run_interrupted_before_its_next_checkpoint_resumes_again(tmp_path: Path) -> None:
    # the state is kept until the resumed run writes its next one: progress is never thrown away
    src = _input(tmp_path / "in.jsonl", 2 * SHARD)
    out = tmp_path / "out.jsonl"
    _interrupted(src, out)
    stopped = 0

    def interrupt() -> None:
        nonlocal stopped
        stopped += 1
        if stopped == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        process(
            [str(src)],
            str(out),
            stages=FAST_STAGES,
            on_error=lambda m: None,
            resume=True,
            on_record=interrupt,
        )
    notes: list[str] = []
    process(
        [str(src)], str(out), stages=FAST_STAGES, on_error=lambda m: None, resume=True, on_notice=notes.append
    )
    assert notes == [f"resuming {out}.partial after {SHARD:,} inputs"]
    process([str(src)], str(tmp_path / "ref.jsonl"), stages=FAST_STAGES, on_error=lambda m: None)
    assert out.read_bytes() == (tmp_path / "ref.jsonl").read_bytes()
