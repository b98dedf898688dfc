"""What the apps above do when whānau narrow where their child may be seen, registered as
they load.

An app adds an entry to ``CONSENT_NARROWED`` in its ``AppConfig.ready``; each function takes
the student, runs inside ``media_consent_set``'s transaction (so the choice and what follows
from it happen together, or not at all), and returns how many things it held back again.
"""

from partnerships.models import MediaConsent, Student
from partnerships.registry import Registry

CONSENT_NARROWED = Registry()

# From the fewest people who may see the child to the most.
WIDTH = {MediaConsent.WHANAU_ONLY: 0, MediaConsent.CLASS_DISPLAYS: 1}


def is_narrower(after: str, before: str) -> bool:
    return WIDTH[after] < WIDTH[before]


def consent_narrowed(student: Student) -> int:
    """Every app's part of a narrower choice: how many things were held back again."""
    return sum(entry.function(student) or 0 for entry in CONSENT_NARROWED)
