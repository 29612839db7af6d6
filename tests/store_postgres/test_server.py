"""The test server itself: reachable, UTF-8, and a fresh database per test, so that a failure in the store's
tests is the store's and not the harness's."""

from __future__ import annotations

import pytest

psycopg = pytest.importorskip("psycopg")


def test_server_is_utf8_and_recent(postgres_url: str) -> None:
    with psycopg.connect(postgres_url) as conn:
        encoding, version = conn.execute(
            "SELECT current_setting('server_encoding'), current_setting('server_version_num')::int"
        ).fetchone()
    assert encoding == "UTF8"
    assert version >= 130000  # DROP DATABASE ... WITH (FORCE), and what the store's SQL uses


@pytest.mark.parametrize("round_", [1, 2])
def test_each_test_gets_an_empty_database(postgres_url: str, round_: int) -> None:
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("CREATE TABLE leftover (round int)")  # seen by the next round if databases were shared
