"""Refine steps on article structure: repeated-content repair and its metrics, and the dateline and credit
with the place gazetteer and news agencies."""
