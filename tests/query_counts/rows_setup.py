"""The setup pages' queries."""

PAGES: list = []
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {}
