"""Rows for the year pages."""

ROWS: dict = {}
