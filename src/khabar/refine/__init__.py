"""Refine steps on article structure: the dateline and credit, with the place gazetteer and news agencies."""
