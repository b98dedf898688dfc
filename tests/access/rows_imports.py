"""Rows for the imports pages."""

ROWS: dict = {}
