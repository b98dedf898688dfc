"""Planning a school on paper: its classes, and families whose tamariki fill them exactly."""

import random
import unicodedata
from dataclasses import dataclass, field

from partnerships.demo.constants import (
    DEMO_ADULTS,
    DEMO_CHILDREN,
    DEMO_SCHOOL,
    DEMO_SURNAME,
    KOWHAI_CLASSES,
    STUDENTS_PER_CLASS,
    WHANAU_EMAIL,
)
from partnerships.demo.names import GROUP_NAMES, GROUP_WEIGHTS, GROUPS, NICKNAMES
from partnerships.demo.words import (
    ACCESSIBILITY,
    ASPIRATIONS,
    HOUSEHOLDS,
    INTERESTS,
    MEETING_TIMES,
    NEEDS_JUNIOR,
    NEEDS_SENIOR,
    STRENGTHS_JUNIOR,
    STRENGTHS_SENIOR,
)
from partnerships.models import WhanauMember


@dataclass
class Adult:
    """A grown-up in a planned family; ``email`` only for the demo whānau's fixed login."""

    first_name: str
    last_name: str
    relationship: str
    group: str
    email: str | None = None
    no_access: bool = False


@dataclass
class Family:
    """A planned family: its tamariki (as dicts of Student fields) and its adults."""

    surname: str
    group: str  # for languages, identity and interpreter needs
    name_groups: tuple[str, ...]  # where the tamariki's first names come from
    children: list[dict] = field(default_factory=list)
    adults: list[Adult] = field(default_factory=list)


@dataclass
class SchoolPlan:
    """One school to build: the demo school (index 1) or a numbered one for benchmarks."""

    name: str
    key: str  # for email addresses: kowhai, demo2…
    index: int
    is_demo: bool


def school_plans(schools: int) -> list[SchoolPlan]:
    """The demo school first, then "Demo School 2" and on up to ``schools``."""
    plans = [SchoolPlan(DEMO_SCHOOL, "kowhai", 1, True)]
    plans += [SchoolPlan(f"Demo School {n}", f"demo{n}", n, False) for n in range(2, schools + 1)]
    return plans


def class_specs(plan: SchoolPlan, n_students: int, rng: random.Random) -> list[dict]:
    """Name, year level and teacher of each class."""
    named = KOWHAI_CLASSES if plan.is_demo else []
    n_classes = max(len(named), round(n_students / STUDENTS_PER_CLASS), 1)
    specs = []
    for i in range(n_classes):
        if i < len(named):
            name, year_level, teacher, email = named[i]
        else:
            year_level = 1 + (i * 8) // n_classes
            name = f"Rūma {i + 1} (Year {year_level})"
            teacher = random_person(rng)
            email = f"kaiako{i + 1}@{plan.key}.example"
        specs.append({"name": name, "year_level": year_level, "teacher": teacher, "email": email})
    return specs


def random_person(rng: random.Random) -> str:
    group = GROUPS[rng.choices(GROUP_NAMES, GROUP_WEIGHTS)[0]]
    first = rng.choice(group.female if rng.random() < 0.5 else group.male)
    return f"{first} {rng.choice(group.surnames)}"


def plan_families(
    plan: SchoolPlan, classes: list[dict], n_students: int, rng: random.Random
) -> list[Family]:
    """Families whose tamariki fill every class exactly; siblings in different classes."""
    n_classes = len(classes)
    room = [
        n_students // n_classes + (1 if i < n_students % n_classes else 0) for i in range(n_classes)
    ]
    families: list[Family] = []

    if plan.is_demo:
        family = Family(DEMO_SURNAME, "maori", ("maori",))
        for child in DEMO_CHILDREN:
            family.children.append(dict(child))
            room[child["class_index"]] -= 1
        for first, _gender, relationship, email in DEMO_ADULTS:
            family.adults.append(Adult(first, DEMO_SURNAME, relationship, "maori", email))
        families.append(family)

    while any(room):
        # The school's one "no access / no contact" link: a father under a custody order.
        custody = len(families) == (1 if plan.is_demo else 0)
        open_classes = [i for i, r in enumerate(room) if r > 0]
        k = 1 if custody else min(rng.choices((1, 2, 3), (78, 18, 4))[0], len(open_classes))
        family = _new_family(rng)
        used_names = set()
        for class_index in sorted(rng.sample(open_classes, k)):
            room[class_index] -= 1
            family.children.append(_new_child(rng, family, class_index, classes, used_names))
        households = [(("mother", "father"), 1)] if custody else HOUSEHOLDS
        relationships = rng.choices([h[0] for h in households], [h[1] for h in households])[0]
        for relationship in relationships:
            family.adults.append(_new_adult(rng, family, relationship, used_names))
        if custody:
            family.adults[-1].no_access = True
        families.append(family)
    return families


def _new_family(rng: random.Random) -> Family:
    group = rng.choices(GROUP_NAMES, GROUP_WEIGHTS)[0]
    surname = rng.choice(GROUPS[group].surnames)
    if group == "pakeha" and rng.random() < 0.2:
        # Māori and Pākehā whānau: a Pākehā surname, tamariki often with Māori names.
        return Family(surname, "maori", ("maori", "pakeha"))
    return Family(surname, group, (group,))


def _new_child(rng, family: Family, class_index: int, classes, used_names: set) -> dict:
    gender = rng.choice("fm")
    group = GROUPS[rng.choice(family.name_groups)]
    first = _fresh_name(rng, group.female if gender == "f" else group.male, used_names)
    year_level = classes[class_index]["year_level"]
    if "Years" in classes[class_index]["name"]:  # a composite class, e.g. Years 1–2
        year_level += rng.random() < 0.5
    child = {
        "class_index": class_index,
        "year_level": year_level,
        "first_name": first,
        "preferred_name": NICKNAMES[first] if first in NICKNAMES and rng.random() < 0.5 else "",
        "gender": gender,
    }
    if rng.random() < 0.75:
        child.update(_profile(rng, family, year_level))
    return child


def _fresh_name(rng: random.Random, names: tuple[str, ...], used: set) -> str:
    """A first name nobody else in the family has (if the list allows)."""
    for _try in range(20):
        name = rng.choice(names)
        if name not in used:
            break
    used.add(name)
    return name


def _profile(rng: random.Random, family: Family, year_level: int) -> dict:
    junior = year_level <= 3
    group = GROUPS[family.group]
    strengths = rng.sample(STRENGTHS_JUNIOR if junior else STRENGTHS_SENIOR, rng.choice((1, 2)))
    profile = {
        "strengths": "; ".join([strengths[0]] + [s[0].lower() + s[1:] for s in strengths[1:]]),
        "interests": "; ".join(rng.sample(INTERESTS, 2)),
        "languages": rng.choice(group.languages),
    }
    if rng.random() < 0.4:
        profile["needs"] = rng.choice(NEEDS_JUNIOR if junior else NEEDS_SENIOR)
    if rng.random() < 0.6:
        profile["identity_culture"] = rng.choice(group.identity)
    if rng.random() < 0.5:
        profile["aspirations"] = rng.choice(ASPIRATIONS)
    return profile


def _new_adult(rng: random.Random, family: Family, relationship: str, used_names: set) -> Adult:
    if relationship in ("mother", "father"):
        gender = "f" if relationship == "mother" else "m"
    else:
        gender = rng.choice("fm")
    name_group = rng.choice(family.name_groups)
    group = GROUPS[name_group]
    # No parent named like their child.
    first = _fresh_name(rng, group.female if gender == "f" else group.male, used_names)
    keeps_surname = {"father": 0.95, "mother": 0.75, "parent": 0.6, "grandparent": 0.5}
    if rng.random() < keeps_surname.get(relationship, 0.2):
        last = family.surname
    else:
        last = rng.choice(group.surnames)
    return Adult(first, last, relationship, family.group)


def unique_email(adult: Adult, plan: SchoolPlan, taken: set[str]) -> str:
    local = f"{_slug(adult.first_name)}.{_slug(adult.last_name)}"
    email, n = f"{local}@whanau.{plan.key}.example", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@whanau.{plan.key}.example"
    return email


def preferences(rng: random.Random, adult: Adult) -> dict:
    group = GROUPS[adult.group]
    grandparent = adult.relationship == "grandparent"
    interpreter = ""
    if group.interpreter and rng.random() < (0.6 if grandparent else 0.2):
        interpreter = rng.choice(group.interpreter)
    if adult.email == WHANAU_EMAIL:
        return {"preferred_language": "en", "preferred_meeting_times": "2pm school pick-up"}
    return {
        "preferred_language": "mi" if rng.random() < group.reo_maori else "en",
        "preferred_contact": rng.choices(
            (WhanauMember.Contact.EMAIL, WhanauMember.Contact.IN_PERSON), (3, 1)
        )[0],
        "preferred_meeting_times": rng.choice(MEETING_TIMES),
        "needs_childcare": rng.random() < (0.05 if grandparent else 0.15),
        "needs_interpreter": bool(interpreter),
        "interpreter_language": interpreter,
        "accessibility_needs": rng.choice(ACCESSIBILITY) if rng.random() < 0.03 else "",
    }


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in ascii_text.split()]
    return ".".join(w for w in words if w)
