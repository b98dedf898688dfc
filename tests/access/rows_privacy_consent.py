"""Rows for the privacy pages: consent."""

ROWS: dict = {}
