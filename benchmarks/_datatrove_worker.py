"""Times datatrove's GopherRepetitionFilter over a JSONL file of {"id", "text"} documents.

Runs inside benchmarks/.venv-datatrove (started by benchmarks/refine.py), single process, and
writes one JSON object with the timings and each document's verdict. Network access is refused
while it runs, so a tokenizer that would download a model fails loudly instead of silently
fetching one. datatrove 0.10.1 resolves "ar" to ``SpaCyTokenizer("xx")``, i.e. the rule-based
``spacy.blank("xx")``: its tokenizer_assignment.csv flags are the strings "TRUE"/"FALSE", both
truthy, so the last row for a code (Arabic in Latin script, proxy "xx") wins.

    python _datatrove_worker.py IN.jsonl OUT.json
"""

from __future__ import annotations

import json
import socket
import statistics
import sys
import time
from importlib.metadata import version
from typing import Any

_NETWORK_ATTEMPTS: list[str] = []


def _refuse_network() -> None:
    """Make every outgoing connection fail, recording where it was going."""

    def connect(self: socket.socket, address: Any) -> None:
        _NETWORK_ATTEMPTS.append(repr(address))
        raise OSError(f"network disabled by benchmark worker: {address!r}")

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect  # type: ignore[method-assign,assignment]


def peak_rss_kb() -> int:
    """VmHWM of this process. Not ru_maxrss: Linux carries that over from the parent across
    fork+exec, so a worker started by a big parent would report the parent's peak."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str]) -> int:
    in_path, out_path = argv
    _refuse_network()
    from datatrove.data import Document
    from datatrove.pipeline.filters.gopher_repetition_filter import GopherRepetitionFilter
    from datatrove.utils.word_tokenizers import load_word_tokenizer

    with open(in_path, encoding="utf-8") as f:
        docs = [Document(text=d["text"], id=d["id"]) for d in map(json.loads, f)]
    rss_loaded_kb = peak_rss_kb()

    flt = GopherRepetitionFilter(language="ar")
    tokenizer = load_word_tokenizer("ar")
    # Warm-up outside the timing: the spaCy pipeline is built lazily on the first call.
    if docs:
        flt.filter(docs[0])

    verdicts: list[str] = []
    per_doc: list[float] = []
    clock = time.perf_counter
    start = clock()
    for doc in docs:
        t0 = clock()
        result = flt.filter(doc)
        per_doc.append(clock() - t0)
        verdicts.append("keep" if result is True else (result[1] if isinstance(result, tuple) else "drop"))
    seconds = clock() - start

    out = {
        "n": len(docs),
        "seconds": seconds,
        "ms_median": statistics.median(per_doc) * 1000 if per_doc else 0.0,
        "ms_p99": _percentile(per_doc, 0.99) * 1000 if per_doc else 0.0,
        "peak_rss_kb": peak_rss_kb(),
        "rss_loaded_kb": rss_loaded_kb,
        "versions": {p: version(p) for p in ("datatrove", "spacy", "regex")},
        "python": sys.version.split()[0],
        "tokenizer": f"{type(tokenizer).__name__}({getattr(tokenizer, 'language', '?')})",
        "tokenizer_lang": getattr(getattr(tokenizer, "tokenizer", None), "lang", None),
        "network_attempts": _NETWORK_ATTEMPTS,
        "verdicts": verdicts,
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
