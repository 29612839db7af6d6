"""Issue 8, items 4 and 5: no record is lost without a report, and reading takes bounded memory and time.

Each case is a real small input that used to lose records silently (or take unbounded memory or time);
it now reads correctly or reports each bad record with its file and number, and reading goes on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from khabar.io import RawRecord, ReadError, iter_files, read_paths
from khabar.text.charclass import char_classes, codepoints
from khabar.text.tokens import WORD_RE, token_spans, word_number_kinds

TEXT = "قال الوزير في بيان اليوم إن المحادثات مستمرة بين الطرفين"


def read(*paths: Path | str, **kwargs: object) -> list[RawRecord | ReadError]:
    return list(read_paths([str(p) for p in paths], **kwargs))  # type: ignore[arg-type]


def summary(items: list[RawRecord | ReadError]) -> list[tuple[str, int | None, str]]:
    """Each item as (kind, record number, id or error reason): the whole outcome in one comparable list."""
    return [
        ("record", r.origin_record, r.id or "") if isinstance(r, RawRecord) else ("error", r.record, r.reason)
        for r in items
    ]


def line(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False) + "\n"


# --- JSON ------------------------------------------------------------------------------------------------


def test_jsonl_whose_first_line_is_an_array_is_still_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_text('["x"]\n' + line(id="r2", text=TEXT) + line(id="r3", text=TEXT), encoding="utf-8")
    assert summary(read(path)) == [
        ("error", 1, "expected a JSON object at line 1, got array"),
        ("record", 2, "r2"),
        ("record", 3, "r3"),
    ]


def test_json_array_element_nested_too_deeply_does_not_end_the_array(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    deep = "[" * 5000 + "]" * 5000
    path.write_text(f"[{line(id='d1', text=TEXT)},{deep},\n{line(id='d3', text=TEXT)}]", encoding="utf-8")
    assert summary(read(path)) == [
        ("record", 1, "d1"),
        ("error", 2, "broken JSON at line 2: nested too deeply"),
        ("record", 3, "d3"),
    ]


def test_json_element_over_the_limit_is_an_error_for_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "news.json"
    big = {"id": "big", "text": "ن" * 20_000}
    path.write_text(json.dumps([{"id": "a", "text": TEXT}, big, {"id": "c", "text": TEXT}]), encoding="utf-8")
    got = summary(read(path, max_chars=1_000))
    # 20,000 letters as \\uXXXX escapes: 120,025 characters of JSON, over 6 x 1,000 + 65,536.
    assert got == [
        ("record", 1, "a"),
        ("error", 2, "record too large: in the array of 120025 characters (limit 1000 characters)"),
        ("record", 3, "c"),
    ]


def test_pretty_printed_single_object_and_concatenated_objects(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"id": "s", "text": TEXT}, indent=2), encoding="utf-8")
    assert summary(read(single)) == [("record", 1, "s")]
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps({"id": "m1", "text": TEXT}, indent=2) + "\nxyz\n" + json.dumps({"id": "m2", "text": TEXT}),
        encoding="utf-8",
    )
    assert summary(read(many)) == [
        ("record", 1, "m1"),
        ("error", 5, "expected a JSON object at line 5"),
        ("record", 6, "m2"),
    ]


# --- CSV -------------------------------------------------------------------------------------------------


def test_csv_late_cp1256_row_is_decoded_and_no_row_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    early = "".join(f"{n},{TEXT} {n}\n" for n in range(1, 2000))  # ~230 KB of UTF-8: past the sample
    path.write_bytes(
        ("id,text\n" + early).encode("utf-8") + f"2000,{TEXT}\n".encode("cp1256") + f"2001,{TEXT}\n".encode()
    )
    got = read(path)
    assert [r for r in got if isinstance(r, ReadError)] == []
    assert [r.id for r in got if isinstance(r, RawRecord)] == [str(n) for n in range(1, 2002)]
    late = got[1999]
    assert isinstance(late, RawRecord) and (late.text, late.encoding) == (TEXT, "cp1256")
    assert isinstance(got[2000], RawRecord) and got[2000].encoding == "utf-8"


def test_csv_nul_byte_is_an_error_for_its_row_only(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_bytes(
        b"id,text\n1," + TEXT.encode() + b"\n2," + TEXT.encode() + b"\x00x\n3," + TEXT.encode() + b"\n"
    )
    assert summary(read(path)) == [("record", 1, "1"), ("error", 2, "NUL byte in line 3"), ("record", 3, "3")]


def test_csv_unclosed_quote_is_reported_not_merged(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(f'id,text\n1,"{TEXT}\n2,{TEXT}\n3,{TEXT}\n', encoding="utf-8")
    assert summary(read(path)) == [
        ("error", 1, "broken CSV quoting: the row from line 2 runs to line 4: unexpected end of data")
    ]
    # the swallowed lines are in the errors file, not lost
    (error,) = read(path)
    assert isinstance(error, ReadError) and error.raw == f'1,"{TEXT}\n2,{TEXT}\n3,{TEXT}\n'


def test_csv_quote_closed_in_a_later_row_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(f'id,text\n1,"{TEXT}\n2,"{TEXT}"\n3,{TEXT}\n', encoding="utf-8")
    got = summary(read(path))
    assert got[0][:2] == ("error", 1) and "runs to line 3" in got[0][2]
    assert got[1:] == [("record", 2, "3")]


# --- directories and globs --------------------------------------------------------------------------------


def test_unreadable_directory_is_an_error_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(TEXT, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path: str = ".") -> object:  # as for a directory of mode 000 (the tests may run as root)
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert list(iter_files([str(tmp_path)])) == [
        ReadError(str(tmp_path / "locked"), None, "cannot read directory: Permission denied"),
        str(tmp_path / "ok" / "a.txt"),
    ]
    assert list(iter_files([str(tmp_path / "*" / "*.txt")])) == [
        ReadError(str(tmp_path / "locked"), None, "cannot read directory: Permission denied"),
        str(tmp_path / "ok" / "a.txt"),
    ]


def test_unreadable_directory_for_real() -> None:
    """A real directory of mode 000, read by an unprivileged user: as root (CI) the read runs in a
    subprocess as ``nobody``, since root reads any directory."""
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="khabar-locked-", dir="/tmp"))
    try:
        top.chmod(0o755)
        (top / "locked").mkdir()
        (top / "locked" / "b.txt").write_text(TEXT, encoding="utf-8")
        (top / "ok.txt").write_text(TEXT, encoding="utf-8")
        (top / "ok.txt").chmod(0o644)
        (top / "locked").chmod(0)
        code = (
            "import sys; from khabar.io import read_paths, ReadError;"
            "[print(str(e) if isinstance(e, ReadError) else e.origin_file) for e in read_paths([sys.argv[1]])]"
        )
        as_user = {"user": 65534} if os.geteuid() == 0 else {}
        # nobody may not reach this interpreter (a pyenv under /root): the system one with the same
        # minor version reads the checkout and the venv's packages
        python, path = sys.executable, [str(Path(__file__).resolve().parents[2] / "src")]
        system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
        if as_user and system.exists():
            python = str(system)
            path += [p for p in sys.path if p.endswith("site-packages")]
        try:
            done = subprocess.run(
                [python, "-c", code, str(top)],
                capture_output=True,
                text=True,
                timeout=60,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(path)},
                cwd="/",
                **as_user,  # type: ignore[arg-type]
            )
        except PermissionError as exc:  # the interpreter itself is not reachable by nobody
            pytest.skip(f"cannot run Python as an unprivileged user here: {exc}")
        if done.returncode and "Permission denied" in done.stderr and "locked" not in done.stderr:
            pytest.skip(f"the unprivileged user cannot run this checkout: {done.stderr[-300:]}")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == [
            f"{top / 'locked'}: cannot read directory: Permission denied",
            str(top / "ok.txt"),
        ]
    finally:
        (top / "locked").chmod(0o755)
        import shutil

        shutil.rmtree(top)


def test_symlink_loops_are_cut_and_each_file_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "z.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a" / "b" / "back").symlink_to("..")  # a loop
    (tmp_path / "a" / "back2").symlink_to(tmp_path)  # another, to the top
    (tmp_path / "a" / "same.txt").symlink_to(tmp_path / "a" / "b" / "z.txt")
    real = str(tmp_path / "a" / "b" / "z.txt")
    for pattern in (tmp_path / "**", tmp_path / "**" / "*.txt", tmp_path, tmp_path / "a"):
        got = read(pattern)
        assert [(r.origin_file, r.origin_record) for r in got if isinstance(r, RawRecord)] == [(real, 1)], (
            pattern
        )
        assert [r for r in got if isinstance(r, ReadError)] == []


def test_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(TEXT, encoding="utf-8")
    assert len(read(tmp_path / "x.txt", tmp_path / "*.txt", tmp_path)) == 1


# --- bounded memory -------------------------------------------------------------------------------------

_MEMORY_PROBE = """
import resource, sys
from khabar.io import RawRecord, read_paths
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
items = [(type(r).__name__, getattr(r, "id", None) or getattr(r, "reason", "")) for r in
         read_paths([sys.argv[1]], max_chars=100_000)]
grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
print(grown_mb)
for item in items:
    print(*item, sep="\\t")
"""


def test_zip_bombs_of_json_and_csv_take_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    size = 64 << 20
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("deep.json", "[" * size)
        z.writestr("long.csv", "id,text\n1," + "x" * size + f"\n2,{TEXT}\n")
        z.writestr("good.jsonl", line(id="g", text=TEXT))
    assert bomb.stat().st_size < 1 << 20
    done = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE, str(bomb)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    grown_mb, *items = done.stdout.splitlines()
    assert items == [
        "ReadError\tbroken JSON at line 1: unexpected end of data",
        f"ReadError\trecord too large: line 2 has {size + 3} bytes (limit 165536 characters)",
        "RawRecord\t2",
        "RawRecord\tg",
    ]
    # The old readers held each member whole: 64 MB of bytes and as much again decoded.
    assert int(grown_mb) < 48, f"reading grew the process by {grown_mb} MB"


# --- combining marks ----------------------------------------------------------------------------------------


def test_a_letter_with_200k_harakat_is_one_word() -> None:
    # Resolving a run of marks one step per mark was quadratic: this took about a minute.
    text = "ب" + "\u064e" * 200_000 + " كلمة"
    assert token_spans(text) == ([0, 200_002], [200_001, 200_006], [True, True])


_CHARS = st.sampled_from(["ب", "ك", "\u064e", "\u0651", "١", "3", ".", "٬", " ", "،", "a", "\u0301"])


@given(st.lists(_CHARS, max_size=40).map("".join))
def test_word_kinds_match_the_word_pattern(text: str) -> None:
    kinds = word_number_kinds(np.take(char_classes(), codepoints(text))) if text else np.zeros(0)
    expected = np.zeros(len(text), dtype=np.uint8)
    for m in WORD_RE.finditer(text):
        expected[m.start() : m.end()] = 2 if m.group()[0].isdigit() else 1
    assert kinds.tolist() == expected.tolist()


def test_csv_without_rows_or_text_column_is_reported(tmp_path: Path) -> None:
    # found by the fuzz test: 8 bytes decoded as one UTF-16 "header" line read as nothing at all
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"\x01\x00\x01\x01\x01\r\x00\t")
    assert summary(read(odd)) == [
        ("error", None, "no rows, and the header names no text field (text, content)")
    ]
    # an export with no rows yet is not an error: it holds nothing to lose
    empty = tmp_path / "empty.csv"
    empty.write_text("id,text\n", encoding="utf-8")
    assert read(empty) == []
