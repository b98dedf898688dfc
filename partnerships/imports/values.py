"""Reading a cell the way a person meant it: year levels, dates, relationships, languages, how
to reach someone, yes/no. And the import's messages, kept untranslated until they are shown.

A message is stored as ``{"message": msgid, "params": {...}}`` (``msg``): a preview is read
later, perhaps by someone in another language, so ``describe`` translates it when it is shown.
A param that is itself a message (a field's label) is translated too.
"""

import datetime
import functools
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop

from partnerships.languages import in_each_language
from partnerships.models import WhanauLink, WhanauMember


def msg(message: str, **params) -> dict:
    """A message to store: ``message`` is marked with ``gettext_noop`` where it is written."""
    return {"message": message, "params": params}


def describe(entry: dict) -> str:
    """A stored message (a row error, a change's detail, a note) in the reader's language."""
    params = {
        key: describe(value) if isinstance(value, dict) else value
        for key, value in (entry.get("params") or {}).items()
    }
    text = gettext(entry["message"])
    return text % params if params else text


# The models' labels, as message ids: a detail is translated when it is read.
MEMBER_LABELS = {
    "name": gettext_noop("name"),
    "email": gettext_noop("email"),
    "phone": gettext_noop("phone"),
    "preferred_language": gettext_noop("preferred language"),
    "preferred_contact": gettext_noop("best way to reach them"),
}
RELATIONSHIP_LABELS = {
    WhanauLink.Relationship.MOTHER: gettext_noop("Mother"),
    WhanauLink.Relationship.FATHER: gettext_noop("Father"),
    WhanauLink.Relationship.PARENT: gettext_noop("Parent"),
    WhanauLink.Relationship.GRANDPARENT: gettext_noop("Grandparent"),
    WhanauLink.Relationship.AUNT_UNCLE: gettext_noop("Aunt or uncle"),
    WhanauLink.Relationship.SIBLING: gettext_noop("Brother or sister"),
    WhanauLink.Relationship.CAREGIVER: gettext_noop("Caregiver"),
    WhanauLink.Relationship.OTHER: gettext_noop("Other whānau"),
}


def link_label(relationship: str) -> str:
    return RELATIONSHIP_LABELS[relationship]


# A change's detail in a preview: “Year level: 5 → 6”.
CHANGED = gettext_noop("%(field)s: %(old)s → %(new)s")


def row_error(row, column: str, value: str, entry: dict, *, blocking: bool = True) -> None:
    """Add a problem found on ``row`` (a ``rows.RowIn``) while comparing it with the school's
    records; one not ``blocking`` is a note, which does not hold the import back."""
    row.errors.append(
        {"row": row.number, "column": column, "value": value, **entry, "blocking": blocking}
    )


class BadValueError(ValueError):
    """A cell that cannot be read as what its column holds; ``entry`` says why (``msg``)."""

    def __init__(self, entry: dict, *, blocking: bool = True):
        super().__init__(entry["message"])
        self.entry = entry
        self.blocking = blocking


def _squash(text: str) -> str:
    """Lower case, letters and digits only: “Year Level” and “year_level” read alike."""
    return re.sub(r"[^0-9a-zāēīōū]", "", text.casefold())


def parse_year(text: str) -> int:
    value = re.sub(r"^(\d+)\.0+$", r"\1", text.strip())  # a spreadsheet's 5.0
    squashed = re.sub(r"^(years?|yrs?|y|tau)", "", _squash(value))  # Tau 5 in te reo
    if squashed in {"ne", "newentrant", "newentrants"}:
        return 0
    if value.startswith("-") or not re.fullmatch(r"[0-9]{1,2}", squashed) or int(squashed) > 13:
        raise BadValueError(
            msg(gettext_noop("A year level is a number from 0 to 13, like “5” or “Year 5”."))
        )
    return int(squashed)


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_TIME = re.compile(r"[ t]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_NAMED_MONTH = re.compile(r"^(\d{1,2})[-/. ]+([a-z]+)[-/. ,]+(\d{2}|\d{4})$")


def _full_year(text: str, today: datetime.date) -> int:
    year = int(text)
    if len(text) == 2:  # “15” is 2015, “98” is 1998: a child's or a parent's year
        year += 2000 if year <= today.year % 100 else 1900
    return year


def parse_date(text: str, *, today: datetime.date) -> datetime.date:
    """ISO (2015-03-04), New Zealand's day first (4/03/2015), or a month's name (04-Mar-2015).
    A time after the date (a spreadsheet's midnight) is ignored."""
    value = _TIME.sub("", text.strip().casefold())
    try:
        if match := _ISO.match(value):
            year, month, day = (int(part) for part in match.groups())
        elif match := _DAY_FIRST.match(value):
            day, month = int(match[1]), int(match[2])
            year = _full_year(match[3], today)
        elif (match := _NAMED_MONTH.match(value)) and match[2] in _MONTHS:
            day, month = int(match[1]), _MONTHS[match[2]]
            year = _full_year(match[3], today)
        else:
            raise ValueError(value)
        return datetime.date(year, month, day)
    except ValueError:
        raise BadValueError(
            msg(
                gettext_noop(
                    "This is not a date we can read. Write it like 2015-03-04, 4/03/2015 or "
                    "4-Mar-2015 (day before month)."
                )
            )
        ) from None


_RELATIONSHIPS = {
    WhanauLink.Relationship.MOTHER: (
        "mother mum mom mam mummy mama whaea māmā mama stepmother stepmum birthmother"
    ),
    WhanauLink.Relationship.FATHER: "father dad daddy papa matua pāpā stepfather stepdad",
    WhanauLink.Relationship.PARENT: "parent parents guardian legalguardian mātua",
    WhanauLink.Relationship.GRANDPARENT: (
        "grandparent grandmother grandfather nan nana nanna nanny gran granny grandma grandad "
        "granddad grandpa koro kōro kuia tipuna tupuna tīpuna tūpuna"
    ),
    WhanauLink.Relationship.AUNT_UNCLE: "aunt aunty auntie uncle unc whaeakēkē matuakēkē",
    WhanauLink.Relationship.SIBLING: "sibling brother sister tuakana teina tungane tuahine",
    WhanauLink.Relationship.CAREGIVER: (
        "caregiver carer fostercarer fosterparent foster kaitiaki homestay"
    ),
    WhanauLink.Relationship.OTHER: "other whanau whānau family relative cousin friend",
}


def _in_every_language(choices) -> list[tuple[str, str]]:
    """(value, label squashed) for each choice in each language of the site: a file exported
    from a te reo page says “Mātua” and “Reo Pākehā”, and must come back in."""
    return [
        pair
        for labels in in_each_language(lambda: [(v, _squash(str(label))) for v, label in choices])
        for pair in labels
    ]


@functools.cache
def _relationship_words() -> dict[str, str]:
    words = {
        word: relationship
        for relationship, listed in _RELATIONSHIPS.items()
        for word in listed.split()
    }
    for relationship, label in _in_every_language(WhanauLink.Relationship.choices):
        words.setdefault(label, relationship)  # a listed word keeps its meaning (matua)
    return words


def parse_relationship(text: str) -> str:
    relationship = _relationship_words().get(_squash(text))
    if relationship is None:
        raise BadValueError(
            msg(
                gettext_noop(
                    "We do not know this relationship, so they are listed as other whānau. "
                    "Words we know include Mother, Father, Grandparent, Aunt, Caregiver."
                )
            ),
            blocking=False,
        )
    return relationship


_LANGUAGES = {
    "en": {"en", "eng", "english", "ingarihi", "pākehā"},
    "mi": {"mi", "mao", "maori", "māori", "tereo", "tereomāori", "tereomaori", "reo", "reomāori"},
}


@functools.cache
def _language_words() -> dict[str, set[str]]:
    words = {code: set(listed) for code, listed in _LANGUAGES.items()}
    for code, label in _in_every_language(settings.LANGUAGES):
        words.setdefault(code, set()).add(label)
    return words


def parse_language(text: str, *, offered: list[str]) -> str:
    squashed = _squash(text)
    code = next((code for code, words in _language_words().items() if squashed in words), None)
    if code is None or code not in offered:
        raise BadValueError(
            msg(
                gettext_noop(
                    "The school does not offer “%(value)s” for its emails and pages yet, so "
                    "they will be in the school’s first language."
                ),
                value=text,
            ),
            blocking=False,
        )
    return code


_CONTACT = {
    WhanauMember.Contact.EMAIL: {"email", "emails", "mail", "e"},
    WhanauMember.Contact.PHONE: {
        "phone",
        "phonecall",
        "call",
        "mobile",
        "cell",
        "text",
        "txt",
        "sms",
        "p",
    },
    WhanauMember.Contact.IN_PERSON: {"inperson", "facetoface", "kanohiikitekanohi", "visit"},
}


def parse_contact(text: str) -> str:
    squashed = _squash(text)
    for contact, words in _CONTACT.items():
        if squashed in words:
            return contact
    raise BadValueError(
        msg(
            gettext_noop(
                "We do not know this way of keeping in touch, so it is left as it was. Use "
                "Email, Phone or In person."
            )
        ),
        blocking=False,
    )


_YES = {"y", "yes", "true", "1", "x", "✓", "✔", "ae", "āe", "nocontact", "noaccess"}
_NO = {"", "n", "no", "false", "0", "kāo", "kao", "none"}


def parse_flag(text: str) -> bool:
    squashed = _squash(text) or text.strip()
    if squashed in _YES:
        return True
    if squashed in _NO:
        return False
    # Guessing wrong could tell a parent under a custody order about a child: ask instead.
    raise BadValueError(msg(gettext_noop("Write Yes or No here (or leave it empty for No).")))


def check_email(text: str) -> str:
    email = text.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise BadValueError(
            msg(
                gettext_noop(
                    "This is not a complete email address: it should look like name@example.co.nz."
                )
            )
        ) from None
    return email


def phone_digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check_nsn(text: str) -> str:
    nsn = re.sub(r"\s", "", text)
    if not re.fullmatch(r"[0-9]{9,10}", nsn):
        raise BadValueError(
            msg(
                gettext_noop(
                    "A National Student Number has 9 or 10 digits and nothing else, like 123456789."
                )
            )
        )
    return nsn


_PHONE_OR_NUMBER = re.compile(r"^[+-]\s*[\d(]")


def looks_like_formula(text: str) -> bool:
    """What a spreadsheet would run as a formula when the file is opened again: ``=…``,
    ``@…``, and ``+``/``-`` before anything but a phone number or a number."""
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and not _PHONE_OR_NUMBER.match(text)
