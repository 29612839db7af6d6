"""Named-entity recognition for Arabic news: PERS, LOC, ORG and MISC as BIO tags.

``NerModel.load().tag(tokens)`` tags one tokenised sentence with the committed CRF model; training
(``khabar.enrich.ner.train``) and entity-level scoring (``khabar.enrich.ner.evaluate``) live alongside.
"""

from __future__ import annotations

from khabar.enrich.ner.model import NerModel

__all__ = ["NerModel"]
