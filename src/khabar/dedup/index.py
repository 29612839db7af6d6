"""The incremental dedup index: features of every article seen so far, kept on disk.

``DIR/segments/NNNNNN.npz`` holds one batch's FeatureBatch (signatures, shingles, sentence
fingerprints, ids, dates, lengths — no text); ``DIR/index.json`` holds the settings the features
were made with and the segment list. Tomorrow's batch is clustered together with everything in
the index, so its result is the one a single run over all batches would give, without reading
or re-shingling the old articles.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from khabar.dedup.config import DedupConfig
from khabar.dedup.features import FeatureBatch, empty_batch

INDEX_VERSION = 1
# Settings that change the stored features: an index made with others cannot be reused.
_FEATURE_SETTINGS = ("ngram", "num_perm", "seed", "min_sentence_words")


class IndexMismatchError(ValueError):
    """An index directory that cannot be used with these settings."""


class DedupIndex:
    def __init__(self, path: str | Path, config: DedupConfig) -> None:
        self.path = Path(path)
        self.config = config
        self.meta_path = self.path / "index.json"
        if self.meta_path.exists():
            meta = json.loads(self.meta_path.read_text(encoding="utf-8"))
            stored = meta.get("config", {})
            wanted = asdict(config)
            clash = [k for k in _FEATURE_SETTINGS if stored.get(k) != wanted[k]]
            if meta.get("version") != INDEX_VERSION or clash:
                raise IndexMismatchError(
                    f"index {self.path} was built with other settings ({', '.join(clash) or 'version'}); "
                    "use a new index directory"
                )
            self.segments: list[str] = list(meta["segments"])
        else:
            self.segments = []

    def __len__(self) -> int:
        return len(self.segments)

    def load(self) -> FeatureBatch:
        """All indexed features, in the order they were added."""
        batches = [FeatureBatch.load(self.path / "segments" / name) for name in self.segments]
        return FeatureBatch.concat(batches) if batches else empty_batch(self.config)

    def add(self, batch: FeatureBatch) -> None:
        """Append a batch as a new segment (written before the index file names it)."""
        (self.path / "segments").mkdir(parents=True, exist_ok=True)
        name = f"{len(self.segments) + 1:06d}.npz"
        batch.save(self.path / "segments" / name)
        self.segments.append(name)
        meta = {"version": INDEX_VERSION, "config": asdict(self.config), "segments": self.segments}
        tmp = self.meta_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        tmp.replace(self.meta_path)
