"""Shared fixtures for the input-layer tests: fixtures are written into tmp_path, never committed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "000_33b316c23a9f7167.txt"


def shared_dir() -> Path:
    """The read-only shared data directory: $KHABAR_SHARED, else <repo>/../shared."""
    env = os.environ.get("KHABAR_SHARED")
    return Path(env) if env else REPO.parent / "shared"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_bytes().decode("utf-8")


@pytest.fixture
def saudinewsnet_zip() -> Path:
    path = shared_dir() / "data" / "saudinewsnet" / "2015-08-11.zip"
    if not path.is_file():
        pytest.skip(f"SaudiNewsNet data not found at {path} (set KHABAR_SHARED to the shared directory)")
    return path
