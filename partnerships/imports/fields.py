"""What an import can read, per kind of file, and a first guess at which column holds what.

``FIELDS[kind]``: the fields in the order the mapping form shows them. “students”: one row per
student, with up to three caregivers' columns beside them; “caregivers”: one row per
caregiver and student, the student found by their NSN or the school's own id.
"""

import re
from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

STUDENTS = "students"
CAREGIVERS = "caregivers"
KINDS = (STUDENTS, CAREGIVERS)
CAREGIVER_GROUPS = (1, 2, 3)


@dataclass(frozen=True)
class Field:
    """One thing a column can hold. ``label``, ``group`` and ``help`` are stored as message
    ids, so a preview can name a field in whichever language it is read in."""

    name: str
    label_id: str
    required: bool = False
    group_id: str = ""
    help_id: str = ""
    group_number: int = 0  # the caregiver's group (1–3) in a students file

    @property
    def label(self):
        return _numbered(self.label_id, self.group_number)

    @property
    def group(self):
        if self.group_number:
            return _numbered("", self.group_number)
        return gettext_lazy(self.group_id) if self.group_id else ""

    @property
    def help(self):
        return gettext_lazy(self.help_id) if self.help_id else ""


def _numbered_text(label_id: str, number: int) -> str:
    if not number:
        return gettext(label_id)
    if not label_id:
        return gettext("Caregiver %(n)s") % {"n": number}
    return gettext("Caregiver %(n)s: %(field)s") % {"n": number, "field": gettext(label_id)}


# Translated when shown, in the reader's language: a form may be built before a request is.
_numbered = lazy(_numbered_text, str)


STUDENT_GROUP = gettext_noop("Student")
CAREGIVER_GROUP = gettext_noop("Caregiver")
ONE_OF_IDS = gettext_noop("Each student needs their NSN or the school’s own id: map at least one.")

_STUDENT_FIELDS = [
    Field(
        "nsn",
        gettext_noop("National Student Number (NSN)"),
        group_id=STUDENT_GROUP,
        help_id=ONE_OF_IDS,
    ),
    Field(
        "school_ref",
        gettext_noop("School’s own student id"),
        group_id=STUDENT_GROUP,
        help_id=ONE_OF_IDS,
    ),
    Field("first_name", gettext_noop("First name"), required=True, group_id=STUDENT_GROUP),
    Field("last_name", gettext_noop("Last name"), required=True, group_id=STUDENT_GROUP),
    Field("preferred_name", gettext_noop("Preferred name"), group_id=STUDENT_GROUP),
    Field(
        "year_level",
        gettext_noop("Year level"),
        required=True,
        group_id=STUDENT_GROUP,
        help_id=gettext_noop("Like 5, Y5 or Year 5."),
    ),
    Field(
        "classroom",
        gettext_noop("Class"),
        group_id=STUDENT_GROUP,
        help_id=gettext_noop("The class’s name, like Room 7. A class not yet here is added."),
    ),
    Field(
        "teacher_emails",
        gettext_noop("Teacher’s email"),
        group_id=STUDENT_GROUP,
        help_id=gettext_noop(
            "One or more, separated by ; or ,. They teach the student’s class: invite them "
            "to the staff first."
        ),
    ),
    Field("date_of_birth", gettext_noop("Date of birth"), group_id=STUDENT_GROUP),
    Field("start_date", gettext_noop("Start date"), group_id=STUDENT_GROUP),
]

_CAREGIVER_ATTRS = [
    ("name", gettext_noop("Name"), ""),
    ("email", gettext_noop("Email"), gettext_noop("New whānau with an email can be invited.")),
    ("phone", gettext_noop("Phone"), ""),
    ("relationship", gettext_noop("Relationship"), gettext_noop("Like Mum, Dad, Koro, Aunt.")),
    ("language", gettext_noop("Language"), gettext_noop("For their emails: English or Māori.")),
    ("contact", gettext_noop("Best way to reach them"), gettext_noop("Email, Phone or In person.")),
    (
        "no_contact",
        gettext_noop("No contact"),
        gettext_noop("Yes for a person who must see nothing and be told nothing (a court order)."),
    ),
]


def caregiver_field(number: int, attr: str) -> str:
    return f"caregiver{number}_{attr}"


FIELDS: dict[str, list[Field]] = {
    STUDENTS: _STUDENT_FIELDS
    + [
        Field(caregiver_field(n, attr), label, group_number=n, help_id=help_id)
        for n in CAREGIVER_GROUPS
        for attr, label, help_id in _CAREGIVER_ATTRS
    ],
    CAREGIVERS: [
        Field(
            "student_nsn",
            gettext_noop("Student’s NSN"),
            group_id=STUDENT_GROUP,
            help_id=gettext_noop("The student’s NSN or the school’s own id: map at least one."),
        ),
        Field(
            "student_ref",
            gettext_noop("Student’s school id"),
            group_id=STUDENT_GROUP,
            help_id=gettext_noop("The student’s NSN or the school’s own id: map at least one."),
        ),
    ]
    + [
        Field(attr, label, required=attr == "name", group_id=CAREGIVER_GROUP, help_id=help_id)
        for attr, label, help_id in _CAREGIVER_ATTRS
    ],
}
FIELD_BY_NAME = {kind: {field.name: field for field in fields} for kind, fields in FIELDS.items()}
# Either of each pair identifies the student.
ONE_OF = {STUDENTS: ("nsn", "school_ref"), CAREGIVERS: ("student_nsn", "student_ref")}

# How export files name each field, squashed (lower case, letters and digits only).
_STUDENT_WORDS = {
    "nsn": "nsn nationalstudentnumber nationalstudentno nsnnumber moenumber studentnsn",
    "school_ref": (
        "studentid schoolid studentnumber studentno id idnumber kamarid smsid studentcode "
        "studentref schoolref schoolstudentid localid"
    ),
    "first_name": (
        "firstname legalfirstname givenname givennames forename forenames firstnames "
        "legalgivenname legalgivennames legalfirstnames"
    ),
    "last_name": "lastname legallastname surname familyname legalsurname legalfamilyname",
    "preferred_name": "preferredname knownas preferredfirstname nickname preferredgivenname",
    "year_level": "yearlevel year yr yearlvl level fundingyearlevel",
    "classroom": (
        "room class classroom homeroom form formclass roomname tutorgroup classname roomno "
        "roomnumber homegroup"
    ),
    "teacher_emails": (
        "teacheremail teacheremails teachersemail teachersemails formteacheremail "
        "roomteacheremail homeroomteacheremail classteacheremail tutoremail"
    ),
    "date_of_birth": "dateofbirth dob birthdate birthday dateofbirthddmmyyyy",
    "start_date": (
        "startdate enrolmentdate enrollmentdate firstattendance firstattendancedate "
        "dateofenrolment entrydate started firstday datestarted"
    ),
}
_CAREGIVER_WORDS = {
    "name": "name fullname names",
    "email": "email emailaddress emails mail",
    "phone": "phone mobile cell phonenumber mobilephone cellphone homephone mobileno phoneno",
    "relationship": "relationship relation relationshiptostudent relationtostudent role",
    "language": "language preferredlanguage homelanguage lang",
    "contact": "contact preferredcontact contactmethod contactpreference howtocontact",
    "no_contact": (
        "nocontact donotcontact noaccess contactrestricted restricted restrictedcontact "
        "dontcontact nocontactorder"
    ),
}
_GROUP_WORDS = r"caregiver|parent|guardian|contact|whanau|whānau|cg|pc|carer|parentcaregiver"
_NUMBERED = re.compile(rf"^(?:{_GROUP_WORDS})+(\d)(.*)$")
_UNNUMBERED = re.compile(rf"^(?:{_GROUP_WORDS})+\d?(.+)$")


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-zāēīōū]", "", text.casefold())


def _lookup(words: dict[str, str], key: str) -> str | None:
    return next((name for name, spelled in words.items() if key in spelled.split()), None)


def guess_field(kind: str, header: str) -> str | None:
    """The field a column's header names, if we know the way it is written."""
    key = squash(header)
    if not key:
        return None
    if kind == STUDENTS:
        if numbered := _NUMBERED.match(key):
            attr = _lookup(_CAREGIVER_WORDS, numbered[2])
            number = int(numbered[1])
            if attr and number in CAREGIVER_GROUPS:
                return caregiver_field(number, attr)
            return None
        return _lookup(_STUDENT_WORDS, key)
    if key in {"nsn", "studentnsn", "nationalstudentnumber"}:
        return "student_nsn"
    if key in _STUDENT_WORDS["school_ref"].split():
        return "student_ref"
    if unnumbered := _UNNUMBERED.match(key):
        key = unnumbered[1]
    return _lookup(_CAREGIVER_WORDS, key)


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """field → header for each header we recognise; the first header wins a field."""
    mapping: dict[str, str] = {}
    for header in headers:
        field = guess_field(kind, header)
        if field and field not in mapping:
            mapping[field] = header
    return mapping


def missing_required(kind: str, mapping: dict[str, str]) -> list[Field]:
    """The required fields with no column; the first of an either–or pair when neither has
    one (its help says either will do)."""
    missing = [field for field in FIELDS[kind] if field.required and not mapping.get(field.name)]
    first, second = ONE_OF[kind]
    if not mapping.get(first) and not mapping.get(second):
        missing.insert(0, FIELD_BY_NAME[kind][first])
    return missing
