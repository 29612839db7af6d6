"""What the benchmark scripts share: the repository's paths, khabar's source on ``sys.path``, the shared
data folder, benchmark-only virtual envs for the systems compared, and best-of-N timing.

Scripts run as ``python benchmarks/NAME.py`` import it as ``_common`` (their folder is first on
``sys.path``); modules that tests also import as ``benchmarks.NAME`` import ``benchmarks._common``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = [
    "BENCH",
    "REPO",
    "VenvError",
    "best_of",
    "ensure_venv",
    "saudinewsnet_dir",
    "shared_dir",
    "use_repo_src",
]

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

T = TypeVar("T")


def use_repo_src() -> None:
    """Put this checkout's ``src/`` first on ``sys.path``: a benchmark measures the code beside it, and
    runs from a fresh checkout without ``pip install -e``."""
    sys.path.insert(0, str(REPO / "src"))


def shared_dir() -> Path:
    """``$KHABAR_SHARED``, else ``<repo>/../shared`` (the folder holding ``data/``)."""
    env = os.environ.get("KHABAR_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def saudinewsnet_dir() -> Path:
    """The SaudiNewsNet corpus (one zip per day) in the shared folder; it may be absent."""
    return shared_dir() / "data" / "saudinewsnet"


def best_of(
    fn: Callable[[], T], repeat: int = 1, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, T]:
    """The fastest of ``repeat`` calls of ``fn``, in seconds of ``clock``, and the last call's result.

    The minimum, not the mean: on a shared machine the other jobs only ever add time."""
    seconds = float("inf")
    result: T
    for _ in range(max(repeat, 1)):
        start = clock()
        result = fn()
        seconds = min(seconds, clock() - start)
    return seconds, result


class VenvError(RuntimeError):
    """A benchmark-only virtual env could not be made ready; the message says why."""


def ensure_venv(
    venv: Path, pins: tuple[str, ...], probe: str, log: Callable[[str], None], shown: str | None = None
) -> Path:
    """The python of ``venv``, created and given ``pins`` when ``probe`` (Python code run there) fails or
    prints anything but the pins (a probe may print ``name==version`` of each pin, to catch drift).

    The compared systems live in their own venvs so their dependencies never meet khabar's. ``shown``
    names the venv in the log lines (default: its path). Raises :class:`VenvError`."""
    py = venv / "bin" / "python"
    shown = shown or str(venv)

    def ready() -> bool:
        found = subprocess.run([str(py), "-c", probe], capture_output=True, text=True)
        return found.returncode == 0 and (not found.stdout.strip() or found.stdout.split() == list(pins))

    try:
        if not py.exists():
            log(f"creating {shown} ...")
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        if not ready():
            log(f"installing {' '.join(pins)} into {shown} ...")
            done = subprocess.run(
                [str(py), "-m", "pip", "install", "--quiet", *pins], capture_output=True, text=True
            )
            if done.returncode != 0:
                raise VenvError(f"pip install {' '.join(pins)} failed: {done.stderr.strip()[-500:]}")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise VenvError(f"venv setup failed: {exc}") from exc
    return py
