"""Te reo Māori formats: "1 Hakihea 2026", "14:30", "1/12/2026"; the week starts on Rāhina.

Month and day names come from the libraries' catalogue (locale/libraries/mi). The default time
format is the 24-hour clock ("14:30" needs no words for a.m. and p.m.); a page that spells out
its own format, "g:i a", reads "2:30 i te ahiahi" (locale/mi/GLOSSARY.md).
"""

# Dates and numbers are typed the same way in both languages (day first, as New Zealand
# writes them): one list, in the English module.
from config.formats.en.formats import (  # noqa: F401  Django reads them from here
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    NUMBER_GROUPING,
    THOUSAND_SEPARATOR,
)

# The *_FORMAT strings use Django's date format syntax.
DATE_FORMAT = "j F Y"  # 1 Hakihea 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 1 Hakihea 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # Hakihea 2026
MONTH_DAY_FORMAT = "j F"  # 1 Hakihea
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 01/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Rāhina (Monday)
