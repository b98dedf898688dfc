"""New Zealand English formats: "1 December 2026", "2:30 p.m.", "1/12/2026"; weeks start Monday.

Django's ``en`` formats are American ("Dec. 1, 2026"; "1/12/2026" typed in a form is read as
the 12th of January) and Django has no ``en_NZ``. The day comes first here, as on New Zealand
school reports and letters; times keep the 12-hour clock the English pages already write.
"""

# The *_FORMAT strings use Django's date format syntax.
DATE_FORMAT = "j F Y"  # 1 December 2026
TIME_FORMAT = "g:i a"  # 2:30 p.m.
DATETIME_FORMAT = "j F Y, g:i a"  # 1 December 2026, 2:30 p.m.
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 1 December
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y g:i a"  # 01/12/2026 2:30 p.m.
FIRST_DAY_OF_WEEK = 1  # Monday

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
