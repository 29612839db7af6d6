"""khabar — an Arabic news refinery.

>>> import khabar
>>> article = khabar.refine(raw_text, source="afp")
>>> article.paragraphs, article.dateline, article.edits
>>> khabar.restore(article) == raw_text
True
"""

from khabar.pipeline import refine
from khabar.record import SCHEMA_VERSION, Article, Dateline, Edit
from khabar.restore import restore, restore_title
from khabar.stages.runner import refine_many

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "Dateline",
    "Edit",
    "__version__",
    "refine",
    "refine_many",
    "restore",
    "restore_title",
]
