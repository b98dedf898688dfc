"""Te reo Māori formats: "1 Hakihea 2026", "14:30", "1/12/2026"; the week starts on Rāhina.

Month and day names come from the libraries' catalogue (locale/libraries/mi). The default time
format is the 24-hour clock ("14:30" needs no words for a.m. and p.m.); a page that spells out
its own format, "g:i a", reads "2:30 i te ahiahi" (locale/mi/GLOSSARY.md).
"""

# The *_FORMAT strings use Django's date format syntax.
DATE_FORMAT = "j F Y"  # 1 Hakihea 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 1 Hakihea 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # Hakihea 2026
MONTH_DAY_FORMAT = "j F"  # 1 Hakihea
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Rāhina (Monday)

# The *_INPUT_FORMATS strings use Python's strptime syntax; the first is what a form shows.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 1/12/2026, 01/12/2026
    "%d/%m/%y",  # 1/12/26
    "%Y-%m-%d",  # 2026-12-01 (what a browser's date input sends)
]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",  # 1/12/2026 14:30
    "%d/%m/%Y %H:%M:%S",  # 1/12/2026 14:30:59
    "%d/%m/%Y %H:%M:%S.%f",  # 1/12/2026 14:30:59.000200
    "%d/%m/%y %H:%M",  # 1/12/26 14:30
    "%d/%m/%y %H:%M:%S",  # 1/12/26 14:30:59
    "%Y-%m-%d %H:%M",  # 2026-12-01 14:30 (a browser's datetime-local input sends a "T",
    "%Y-%m-%d %H:%M:%S",  # which Django's DateTimeField reads as ISO 8601 before these)
    "%Y-%m-%d %H:%M:%S.%f",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
