"""A real PostgreSQL for the PostgreSQL store's tests: never a mock, because what is being tested is SQL,
transactions and text search that only the server itself can answer for.

Where the server comes from, first that applies:

1. ``KHABAR_TEST_POSTGRES`` (a ``postgresql://`` URL): ``.ci/run`` starts a throwaway cluster and sets it;
   any server where that role may create databases will do.
2. A throwaway cluster started here, for the session: ``initdb`` and ``pg_ctl`` from PATH or from Debian's
   ``/usr/lib/postgresql/<major>/bin``, in a temporary directory, listening on 127.0.0.1 on a free port and
   on a unix socket in that directory only, stopped and removed at the end. ``initdb`` refuses root, so
   when the tests run as root the cluster runs as the ``postgres`` user that the Debian package creates.
3. Otherwise every test here is skipped, saying what to install.

Each test gets a database of its own, created empty and dropped afterwards, so tests cannot see each
other's rows or schema versions and may run in any order.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ENV = "KHABAR_TEST_POSTGRES"
NOT_INSTALLED = "PostgreSQL not installed: apt-get install postgresql (or set KHABAR_TEST_POSTGRES to a postgresql:// URL)"


@dataclass(frozen=True)
class Server:
    """A server the tests may create databases on: ``url`` names a database to connect to for that."""

    url: str
    origin: str  # "KHABAR_TEST_POSTGRES" or the directory of the throwaway cluster

    def database_url(self, name: str) -> str:
        """The same server and role, database ``name``."""
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are: the newest Debian major version first, then PATH."""

    def major(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name))

    for d in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=major, reverse=True):
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file():
            return d
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _utf8_locale() -> str:
    """C.UTF-8 where the machine has it, so the server's own text functions see Arabic letters as letters."""
    try:
        names = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.split()
    except OSError:
        return "C"
    return "C.UTF-8" if any(n.lower() in {"c.utf8", "c.utf-8"} for n in names) else "C"


def _start_cluster(bindir: Path) -> Iterator[Server]:
    user: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip(
                "running as root, and initdb refuses root: no 'postgres' user to run the throwaway cluster "
                f"(install the Debian package postgresql, or set {ENV})"
            )
        user = "postgres"
    # Under /tmp, not pytest's per-user temporary directory (mode 0700): the postgres user must reach it.
    root = Path(tempfile.mkdtemp(prefix="khabar-pg-", dir="/tmp"))
    if user is not None:
        shutil.chown(root, user=user)
    port = _free_port()
    data = root / "data"

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(a) for a in args], cwd=root, user=user, capture_output=True, text=True, check=False
        )

    try:
        done = run(
            bindir / "initdb", "-D", data, "-U", "khabar", "-A", "trust", "-E", "UTF8",
            f"--locale={_utf8_locale()}", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            pytest.fail(f"initdb failed:\n{done.stdout}{done.stderr}")
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        done = run(
            bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-s", "start", "-o", options
        )
        if done.returncode != 0:
            log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() else ""
            pytest.fail(f"pg_ctl start failed:\n{done.stdout}{done.stderr}{log}")
        yield Server(f"postgresql://khabar@127.0.0.1:{port}/postgres", str(root))
    finally:
        if (data / "postmaster.pid").exists():
            run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-s", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """The session's server (see the module docstring for where it comes from)."""
    pytest.importorskip("psycopg", reason="psycopg not installed: pip install 'khabar[postgres]'")
    url = os.environ.get(ENV)
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            pytest.fail(f"{ENV} must be a postgresql:// URL, not {url!r}")
        yield Server(url, ENV)
        return
    bindir = _bindir()
    if bindir is None:
        pytest.skip(NOT_INSTALLED)
    yield from _start_cluster(bindir)


@pytest.fixture
def postgres_url(postgres_server: Server) -> Iterator[str]:
    """A fresh, empty database for one test (its ``postgresql://`` URL), dropped when the test ends."""
    import psycopg
    from psycopg import sql

    name = f"khabar_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )
    try:
        yield postgres_server.database_url(name)
    finally:
        with psycopg.connect(postgres_server.url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
