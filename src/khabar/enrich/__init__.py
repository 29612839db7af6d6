"""Enrichment: annotations added to refined articles (named entities, ...)."""
