"""Shared test fixtures: the seed article and the shared data directory (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: a 2-core CI machine under load, and tables built lazily on first use
# (the matching key's lookup table, the NER model), would make timing-based failures. On CI the
# examples are derandomized too, so a run is reproducible; locally hypothesis explores freely.
settings.register_profile("khabar", deadline=None)
settings.register_profile("khabar-ci", deadline=None, derandomize=True)
settings.load_profile("khabar-ci" if os.environ.get("CI") else "khabar")

REPO = Path(__file__).resolve().parents[1]
SEED_PATH = REPO / "examples" / "000_33b316c23a9f7167.txt"


def shared_dir() -> Path:
    return Path(os.environ.get("KHABAR_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def saudinewsnet_dir() -> Path:
    d = shared_dir() / "data" / "saudinewsnet"
    if not d.is_dir():
        pytest.skip(f"SaudiNewsNet not found at {d} (set KHABAR_SHARED to the shared/ folder)")
    return d
