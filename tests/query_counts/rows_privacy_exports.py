"""Query counts of the privacy pages: exports."""

PAGES: list = []
