"""Text layers: display repair (shown, logged), the matching key (never shown), tokens, sentences."""

from khabar.text.display import repair_line
from khabar.text.keys import match_key
from khabar.text.sentences import split_sentences
from khabar.text.tokens import Token, tokenize, words

__all__ = ["Token", "match_key", "repair_line", "split_sentences", "tokenize", "words"]
