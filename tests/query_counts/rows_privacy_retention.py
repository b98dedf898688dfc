"""Query counts of the privacy pages: retention."""

PAGES: list = []
