"""Rows for the privacy pages: requests."""

ROWS: dict = {}
