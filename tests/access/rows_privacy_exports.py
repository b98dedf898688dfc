"""Rows for the privacy pages: exports."""

ROWS: dict = {}
