"""Rows for the setup pages."""

ROWS: dict = {}
