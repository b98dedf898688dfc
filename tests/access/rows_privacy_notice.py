"""Rows for the privacy pages: notice."""

ROWS: dict = {}
