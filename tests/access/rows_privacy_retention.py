"""Rows for the privacy pages: retention."""

ROWS: dict = {}
