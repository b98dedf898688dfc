"""The demo's fixed facts (school, classes, the Kingi whānau and their households, printed
logins), result and error."""

from dataclasses import dataclass, field

from partnerships.models import WhanauLink

DEMO_SCHOOL = "Kōwhai Primary School"
DEMO_TIMEZONE = "Pacific/Auckland"
# Printed by the command for anyone to use: demo data only.
DEMO_PASSWORD = "kowhai-demo-2026"  # noqa: S105
DEMO_CARD_CODE = "TAKAHE26"  # takahē; only letters and digits from CARD_ALPHABET
LEADER_EMAIL = "tumuaki@kowhai.example"
TEACHER_EMAIL = "kaiako@kowhai.example"
WHANAU_EMAIL = "whanau@kowhai.example"
# Tamati's father, who lives apart from Huia: the demo's second household of one child.
SEPARATED_EMAIL = "whanau2@kowhai.example"
CARD_URL = "http://127.0.0.1:8000/card/"

BATCH = 500
STUDENTS_PER_CLASS = 27  # generated classes: about 25–30 each
MIN_STUDENTS = 10

# Kōwhai's own classes: (name, year level, teacher name, teacher email).
KOWHAI_CLASSES = [
    ("Rūma Tūī (Years 1–2)", 1, "Hana Whitcombe", TEACHER_EMAIL),
    ("Rūma Kererū (Years 3–4)", 3, "Sione Fifita", "sione.fifita@kowhai.example"),
    ("Rūma Pīwakawaka (Years 5–6)", 5, "Grace Liu", "grace.liu@kowhai.example"),
    ("Rūma Kea (Years 7–8)", 7, "Tom Brennan", "tom.brennan@kowhai.example"),
]
KOWHAI_LEADERS = [
    ("Mereana Tautahi", LEADER_EMAIL, "Tumuaki"),
    ("Priya Raman", "tuarua@kowhai.example", "Tumuaki Tuarua (Deputy Principal)"),
]

# The demo whānau and their two tamariki, in different classes (0 and 2).
DEMO_CHILDREN = [
    {
        "class_index": 0,
        "year_level": 1,
        "first_name": "Anahera",
        "preferred_name": "Ana",
        "gender": "f",
        "strengths": "Loves building with blocks; kind to younger children",
        "needs": "Still settling in: a quiet start to the morning helps",
        "interests": "Drawing birds, waiata, the class worm farm",
        "languages": "English, te reo Māori",
        "identity_culture": "Proud of her marae on the East Coast; learning her pepeha",
        "aspirations": "Wants to be a vet",
    },
    {
        "class_index": 2,
        "year_level": 5,
        "first_name": "Tamati",
        "preferred_name": "",
        "gender": "m",
        "strengths": "Confident speaker; leads the kapa haka line",
        "needs": "Working on his times tables",
        "interests": "Rugby league, fishing with Koro, Minecraft",
        "languages": "English, te reo Māori",
        "identity_culture": "Goes back to the marae every summer with his whānau",
        "aspirations": "Wants to be a builder like his dad",
    },
]
DEMO_SURNAME = "Kingi"
# Huia and her father Rāwiri (Koro to the tamariki) live together: one household, which
# shares its conversation times.
DEMO_ADULTS = [
    # (first name, gender, relationship, email or None)
    ("Huia", "f", WhanauLink.Relationship.MOTHER, WHANAU_EMAIL),
    ("Rāwiri", "m", WhanauLink.Relationship.GRANDPARENT, None),
]
# Tamati's father lives in another household, with his own login: he books his own
# conversation for Tamati, and neither household sees the other's.
SEPARATED_PARENT = {
    "first_name": "Mikaere",
    "last_name": "Ngata",
    "relationship": WhanauLink.Relationship.FATHER,
    "email": SEPARATED_EMAIL,
    "child": "Tamati",
}


@dataclass
class SeedResult:
    """What ``seed()`` did, for the command to print: a line per school, logins, warnings."""

    lines: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class DemoError(Exception):
    """The demo data can't be made as asked (the command shows the message)."""
