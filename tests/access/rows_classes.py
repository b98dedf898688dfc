"""Rows for the classes pages."""

ROWS: dict = {}
