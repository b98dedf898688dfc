"""Query counts of the privacy pages: notice."""

PAGES: list = []
