"""Parsing of article structure: datelines, credits, places and news agencies."""
