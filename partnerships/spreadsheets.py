"""What a spreadsheet would run as a formula: every CSV we write (a dashboard's tables, a class
list) shows such a cell as text, and an import refuses one."""

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading quote stops it being run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
