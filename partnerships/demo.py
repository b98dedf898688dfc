"""Fictional demo data: Kōwhai Primary School, and more schools for benchmarks.

Demo data only. Every name is made up, every email uses the reserved
``.example`` domain, and the staff password below is published on purpose:
never run this against a database real people use.

``seed()`` builds each school in a handful of bulk queries (no per-row
queries), from a seeded ``random.Random``, so the same options give the same
data. A school that already exists (by exact name) is left as it is; only the
demo logins are checked, so running it twice changes nothing.
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from partnerships.models import (
    CARD_ALPHABET,
    CARD_CODE_LENGTH,
    Classroom,
    School,
    SignInCard,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
    new_card_code,
)

DEMO_SCHOOL = "Kōwhai Primary School"
DEMO_TIMEZONE = "Pacific/Auckland"
# Printed by the command for anyone to use: demo data only.
DEMO_PASSWORD = "kowhai-demo-2026"  # noqa: S105
DEMO_CARD_CODE = "TAKAHE26"  # takahē; only letters and digits from CARD_ALPHABET
LEADER_EMAIL = "tumuaki@kowhai.example"
TEACHER_EMAIL = "kaiako@kowhai.example"
WHANAU_EMAIL = "whanau@kowhai.example"
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
DEMO_ADULTS = [
    # (first name, gender, relationship, email or None)
    ("Huia", "f", WhanauLink.Relationship.MOTHER, WHANAU_EMAIL),
    ("Rāwiri", "m", WhanauLink.Relationship.FATHER, None),
]


@dataclass(frozen=True)
class Group:
    """Names and language for one community. All combinations are fictional."""

    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    languages: tuple[str, ...]
    identity: tuple[str, ...]
    interpreter: tuple[str, ...] = ()
    reo_maori: float = 0.0  # share of whānau preferring te reo Māori


def _n(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


GROUPS = {
    "pakeha": Group(
        weight=40,
        female=_n(
            "Olivia, Charlotte, Isla, Amelia, Ruby, Harper, Mia, Ella, Sophie, Grace, Lucy, "
            "Georgia, Zoe, Emily, Isabella, Hazel, Willow, Matilda, Elizabeth, Poppy, Sarah, "
            "Rachel, Kate, Anna, Claire, Megan, Jessica"
        ),
        male=_n(
            "Oliver, Jack, Noah, Leo, George, Hunter, Charlie, William, Lucas, Thomas, Max, "
            "Samuel, Benjamin, Alexander, Jacob, Finn, Harry, James, Daniel, Michael, Andrew, "
            "Mark, Craig, Luke"
        ),
        surnames=_n(
            "Smith, Wilson, Brown, Taylor, Walker, Thompson, White, Anderson, Campbell, Robertson, "
            "Stewart, Harris, Clarke, Bennett, Mitchell, Hughes, Fraser, McKenzie, Ward, Morrison, "
            "Sutherland, Baxter, Fletcher, Gallagher, O'Connell, Duncan, Hamilton, Reid, Cooper, "
            "Parker"
        ),
        languages=(
            "English",
            "English",
            "English; learning te reo Māori at school",
            "English, some French",
        ),
        identity=(
            "Family farm in the Waikato; happiest outdoors",
            "Scottish and Irish roots; Nana teaches baking on Sundays",
            "Spends holidays tramping with the family",
            "Fifth-generation Cantabrian; loves local history",
        ),
    ),
    "maori": Group(
        weight=25,
        female=_n(
            "Aroha, Anahera, Hine, Kahurangi, Mere, Ngaio, Huia, Tui, Manaia, Maia, Moana, Aria, "
            "Ataahua, Kiri, Marama, Hana, Awhina, Ngaire, Kaia, Hinewai, Mihi, Rangimarie, Atawhai"
        ),
        male=_n(
            "Wiremu, Tamati, Rāwiri, Nikau, Tane, Manaaki, Hemi, Mikaere, Tai, Kauri, Ihaia, "
            "Matiu, Te Ariki, Ari, Kahu, Rangi, Hōhepa, Tama, Paora, Nīkora, Tipene, Whetu, Rēweti"
        ),
        surnames=_n(
            "Parata, Ngata, Herewini, Tipene, Hēnare, Poutama, Te Whata, Rangihuna, Tamihana, "
            "Paewai, Karaka, Waaka, Ruatapu, Horomona, Te Kani, Manuera, Hohaia, Aperahama, "
            "Rāpana, Marino"
        ),
        languages=("English, te reo Māori", "Te reo Māori, English", "English, te reo Māori"),
        identity=(
            "Proud of their marae and whakapapa; loves kapa haka",
            "Goes back to the marae every summer with whānau",
            "Learning their pepeha and shares it with pride",
            "Kōhanga reo graduate; strong in te reo at home",
        ),
        reo_maori=0.35,
    ),
    "samoan": Group(
        weight=7,
        female=_n("Losa, Malia, Sina, Leilani, Talia, Alofa, Lupe, Vailea, Faith, Fetu"),
        male=_n("Ioane, Iosefa, Tavita, Falani, Sefo, Paulo, Lui, Manu, Elijah, Pita"),
        surnames=_n(
            "Leota, Faleolo, Aumua, Seiuli, Mulitalo, Tanielu, Fonoti, Lemalu, Fuimaono, Asiata, "
            "Pelesasa"
        ),
        languages=("English, Samoan", "Samoan, English"),
        identity=(
            "Part of a big Samoan church family; sings in the youth choir",
            "Proud to be Samoan; performs siva at Polyfest",
        ),
        interpreter=("Samoan",),
    ),
    "tongan": Group(
        weight=4,
        female=_n("Mele, Salote, Losaline, Seini, Lesieli, Kalolaine, Vika"),
        male=_n("Sione, Tevita, Siosaia, Mosese, Viliami, Sitani, Semisi, Taniela"),
        surnames=_n("Taufa, Vake, Havili, Latu, Moala, Mahe, Naufahu, Pulu, Vaipulu, Kioa"),
        languages=("Tongan, English", "English, Tongan"),
        identity=(
            "Tongan; plays in the family brass band at church",
            "Loves the Tongan Language Week celebrations at school",
        ),
        interpreter=("Tongan",),
    ),
    "cook": Group(
        weight=2,
        female=_n("Tiare, Moeroa, Teina, Tepaeru, Mereana"),
        male=_n("Teariki, Tangaroa, Ngametua, Tiaki, Tuaine"),
        surnames=_n("Marsters, Tupa, Matapo, Tuara, Piri"),
        languages=("English, Cook Islands Māori",),
        identity=("Cook Islands Māori; drums in the cultural group",),
    ),
    "chinese": Group(
        weight=8,
        female=_n("Xinyi, Mei, Jia, Wen, Yan, Shu, Amy, Chloe"),
        male=_n("Jiahao, Haoyu, Wei, Jun, Hao, Ming, Kevin, Eric"),
        surnames=_n("Chen, Li, Wang, Zhang, Liu, Huang, Zhou, Wu, Lin, Xu, Yang, Wong"),
        languages=("Mandarin, English", "Cantonese, English", "English, some Mandarin"),
        identity=(
            "Family came from Guangzhou; celebrates Lunar New Year with grandparents",
            "Goes to Chinese school on Saturdays",
        ),
        interpreter=("Mandarin", "Mandarin", "Cantonese"),
    ),
    "indian": Group(
        weight=8,
        female=_n("Priyanka, Ananya, Diya, Aditi, Meera, Kavya, Riya, Simran, Navneet, Pooja"),
        male=_n("Arjun, Rohan, Aarav, Vihaan, Karan, Rahul, Sanjay, Gurpreet, Harjit, Dev, Nikhil"),
        surnames=_n("Patel, Singh, Sharma, Kumar, Reddy, Nair, Gill, Sandhu, Desai, Chand, Prasad"),
        languages=(
            "Hindi, English",
            "Punjabi, English",
            "Gujarati, English",
            "Fiji Hindi, English",
        ),
        identity=(
            "Family from Gujarat; loves helping with Diwali at school",
            "Fiji Indian family; big family lunches on Sundays",
        ),
        interpreter=("Hindi", "Punjabi"),
    ),
    "korean": Group(
        weight=3,
        female=_n("Seo-yeon, Ji-woo, Ha-eun, Min-seo, Yuna"),
        male=_n("Min-jun, Seo-jun, Ji-ho, Do-yun, Hyun-woo"),
        surnames=_n("Kim, Lee, Park, Choi, Jung, Kang"),
        languages=("Korean, English",),
        identity=("Born in Seoul; goes to Korean language school on Saturdays",),
        interpreter=("Korean",),
    ),
    "filipino": Group(
        weight=3,
        female=_n("Maria, Angelica, Kristine, Jasmine, Althea"),
        male=_n("Jose, Miguel, Paolo, Carlo, Gabriel"),
        surnames=_n("Santos, Reyes, Cruz, Bautista, Mendoza, Villanueva, Ramos"),
        languages=("Tagalog, English", "English, some Tagalog"),
        identity=("Filipino; big family gatherings every Sunday",),
        interpreter=("Tagalog",),
    ),
}
GROUP_NAMES = list(GROUPS)
GROUP_WEIGHTS = [g.weight for g in GROUPS.values()]

NICKNAMES = {
    "Anahera": "Ana",
    "Wiremu": "Wiri",
    "Elizabeth": "Lizzie",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Charlotte": "Charlie",
    "Isabella": "Bella",
    "Matiu": "Matt",
    "Kahurangi": "Kahu",
    "Xinyi": "Cindy",
    "Jiahao": "Jason",
    "Haoyu": "Henry",
    "Min-jun": "Daniel",
    "Seo-yeon": "Sophie",
    "Siosaia": "Saia",
    "Priyanka": "Priya",
    "Losaline": "Lose",
    "Rangimarie": "Rangi",
    "Ataahua": "Ata",
    "Kalolaine": "Carol",
    "Hōhepa": "Joe",
    "Iosefa": "Joe",
    "Tavita": "David",
}

STRENGTHS_JUNIOR = (
    "Loves building with blocks",
    "Kind to younger children",
    "Great at sharing",
    "Always first to help tidy up",
    "Counts confidently past 100",
    "Loves stories and retells them",
    "Gentle with the class pets",
    "Brings everyone into games at lunchtime",
    "Careful, detailed drawings",
    "Sings waiata with real confidence",
)
STRENGTHS_SENIOR = (
    "A great reader",
    "Patient problem-solver in maths",
    "Confident speaker in front of the class",
    "Creative storyteller",
    "Quick with numbers",
    "Strong swimmer",
    "Leads the kapa haka line",
    "Good at explaining ideas to friends",
    "Keeps going when things are hard",
    "Organised; a natural team leader",
    "Thoughtful, detailed writer",
    "Fair and calm on the field",
)
NEEDS_JUNIOR = (
    "Still learning letter sounds",
    "Finds transitions hard; a heads-up before changes helps",
    "Building confidence to ask for help",
    "Gets tired after lunch; a movement break helps",
    "New to English: picture cues help",
    "Working on holding a pencil comfortably",
)
NEEDS_SENIOR = (
    "Needs support with reading longer words",
    "Working on times tables",
    "Working on writing full paragraphs",
    "Hearing aid in the left ear: sit near the front",
    "Asthma: inhaler kept in the office",
    "Sometimes anxious in big groups",
    "New to English: key words in first language help",
    "Finds it hard to start writing tasks",
)
INTERESTS = (
    "Dinosaurs and volcanoes",
    "Minecraft, Lego and drawing",
    "Netball and dancing",
    "Fishing with Koro",
    "Space and planets",
    "Horses",
    "Cooking with Nana",
    "Skateboarding",
    "Kapa haka",
    "Basketball",
    "Gardening",
    "Drawing comics",
    "Touch rugby",
    "Singing",
    "Bugs and insects",
    "Coding games in Scratch",
    "Rugby league",
    "Swimming at the beach",
)
ASPIRATIONS = (
    "Wants to be a vet",
    "Wants to play for the Black Ferns",
    "Wants to be a builder",
    "Wants to be a nurse",
    "Wants to be a marine biologist",
    "Wants to be a teacher",
    "Wants to design video games",
    "Wants to be an All Black",
    "Wants to run a café",
    "Wants to be a pilot",
    "Wants to be a doctor",
    "Wants to be a scientist and look after the ocean",
    "Wants to be a mechanic",
    "Wants to be an artist",
    "Wants to be a kaiako like their aunty",
)
MEETING_TIMES = (
    "After 5pm",
    "Over dinner, 6–7pm",
    "2pm school pick-up",
    "Before school, 8–8.30am",
    "Weekends",
    "Lunchtime on weekdays",
    "After 7pm, once the little ones are asleep",
    "Thursday evenings",
    "Any time after 3.30pm",
    "",
)
ACCESSIBILITY = (
    "Uses a wheelchair: a ground-floor room please",
    "Hard of hearing: face to face works best",
    "Prefers information on paper as well as by email",
)

# (relationships of the 1–2 adults, weight)
HOUSEHOLDS = [
    (("mother", "father"), 45),
    (("mother",), 20),
    (("father",), 8),
    (("parent", "parent"), 4),
    (("mother", "grandparent"), 10),
    (("grandparent",), 6),
    (("caregiver",), 4),
    (("aunt_uncle",), 3),
    (("mother", "caregiver"), 2),
]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = ["".join(ch for ch in word if ch.isalnum()) for word in ascii_text.split()]
    return ".".join(w for w in words if w)


@dataclass
class _Adult:
    first_name: str
    last_name: str
    relationship: str
    group: str
    email: str | None = None
    no_access: bool = False


@dataclass
class _Family:
    surname: str
    group: str  # for languages, identity and interpreter needs
    name_groups: tuple[str, ...]  # where the tamariki's first names come from
    children: list[dict] = field(default_factory=list)
    adults: list[_Adult] = field(default_factory=list)


@dataclass
class SchoolPlan:
    name: str
    key: str  # for email addresses: kowhai, demo2…
    index: int
    is_demo: bool


@dataclass
class SeedResult:
    lines: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class DemoError(Exception):
    """The demo data can't be made as asked (the command shows the message)."""


def school_plans(schools: int) -> list[SchoolPlan]:
    plans = [SchoolPlan(DEMO_SCHOOL, "kowhai", 1, True)]
    plans += [SchoolPlan(f"Demo School {n}", f"demo{n}", n, False) for n in range(2, schools + 1)]
    return plans


def seed(*, schools: int = 1, students: int = 60) -> SeedResult:
    """Make the demo schools that don't exist yet, and check the demo logins."""
    if schools < 1:
        raise DemoError("--schools must be at least 1.")
    if students < MIN_STUDENTS:
        raise DemoError(f"--students must be at least {MIN_STUDENTS}.")
    if len(DEMO_CARD_CODE) != CARD_CODE_LENGTH or not set(DEMO_CARD_CODE) <= set(CARD_ALPHABET):
        raise DemoError(f"{DEMO_CARD_CODE} is not a card code the app could make.")
    result = SeedResult()
    plans = school_plans(schools)
    # One slow hash for every staff account, not one each.
    staff_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        existing = set(
            School.objects.filter(name__in=[p.name for p in plans]).values_list("name", flat=True)
        )
        for plan in plans:
            if plan.name in existing:
                result.lines.append(f"{plan.name}: already there, left as it is.")
                continue
            counts = _build_school(plan, students, staff_hash)
            result.lines.append(
                f"{plan.name}: {counts['students']} students in {counts['classes']} classes, "
                f"{counts['staff']} staff, {counts['whanau']} whānau, {counts['links']} links."
            )
        demo_school = School.objects.filter(name=DEMO_SCHOOL).order_by("pk").first()
        ensure_demo_logins(demo_school, staff_hash, result)
    return result


# Building one school ------------------------------------------------------------------------


def _class_specs(plan: SchoolPlan, n_students: int, rng: random.Random) -> list[dict]:
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
            teacher = _random_person(rng)
            email = f"kaiako{i + 1}@{plan.key}.example"
        specs.append({"name": name, "year_level": year_level, "teacher": teacher, "email": email})
    return specs


def _random_person(rng: random.Random) -> str:
    group = GROUPS[rng.choices(GROUP_NAMES, GROUP_WEIGHTS)[0]]
    first = rng.choice(group.female if rng.random() < 0.5 else group.male)
    return f"{first} {rng.choice(group.surnames)}"


def _plan_families(
    plan: SchoolPlan, classes: list[dict], n_students: int, rng: random.Random
) -> list[_Family]:
    """Families whose tamariki fill every class exactly; siblings in different classes."""
    n_classes = len(classes)
    room = [
        n_students // n_classes + (1 if i < n_students % n_classes else 0) for i in range(n_classes)
    ]
    families: list[_Family] = []

    if plan.is_demo:
        family = _Family(DEMO_SURNAME, "maori", ("maori",))
        for child in DEMO_CHILDREN:
            family.children.append(dict(child))
            room[child["class_index"]] -= 1
        for first, _gender, relationship, email in DEMO_ADULTS:
            family.adults.append(_Adult(first, DEMO_SURNAME, relationship, "maori", email))
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


def _new_family(rng: random.Random) -> _Family:
    group = rng.choices(GROUP_NAMES, GROUP_WEIGHTS)[0]
    surname = rng.choice(GROUPS[group].surnames)
    if group == "pakeha" and rng.random() < 0.2:
        # Māori and Pākehā whānau: a Pākehā surname, tamariki often with Māori names.
        return _Family(surname, "maori", ("maori", "pakeha"))
    return _Family(surname, group, (group,))


def _new_child(rng, family: _Family, class_index: int, classes, used_names: set) -> dict:
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


def _profile(rng: random.Random, family: _Family, year_level: int) -> dict:
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


def _new_adult(rng: random.Random, family: _Family, relationship: str, used_names: set) -> _Adult:
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
    return _Adult(first, last, relationship, family.group)


def _build_school(plan: SchoolPlan, n_students: int, staff_hash: str) -> dict:
    rng = random.Random(f"mahi-tahi-demo-{plan.index}")
    today = timezone.localdate()
    school = School.objects.create(name=plan.name, timezone=DEMO_TIMEZONE)

    specs = _class_specs(plan, n_students, rng)
    classes = Classroom.objects.bulk_create(
        [Classroom(school=school, name=s["name"], year_level=s["year_level"]) for s in specs],
        batch_size=BATCH,
    )

    # Staff: leaders, then one teacher per class; all share the one demo password hash.
    if plan.is_demo:
        leaders = KOWHAI_LEADERS
    else:
        leaders = [(_random_person(rng), f"tumuaki@{plan.key}.example", "Tumuaki")]
    staff_specs = [(name, email, Staff.Role.LEADER, title) for name, email, title in leaders]
    staff_specs += [(s["teacher"], s["email"], Staff.Role.TEACHER, "Kaiako") for s in specs]
    staff_users = _users_by_email(
        {email: {"name": name, "password": staff_hash} for name, email, _r, _t in staff_specs}
    )
    Staff.objects.bulk_create(
        [
            Staff(school=school, user=staff_users[email], role=role, title=title)
            for _name, email, role, title in staff_specs
        ],
        batch_size=BATCH,
    )
    Classroom.teachers.through.objects.bulk_create(
        [
            Classroom.teachers.through(classroom_id=c.pk, user_id=staff_users[s["email"]].pk)
            for c, s in zip(classes, specs, strict=True)
        ],
        batch_size=BATCH,
    )

    # Students, family by family; the first class signs in with cards.
    families = _plan_families(plan, specs, n_students, rng)
    children = [(family, child) for family in families for child in family.children]
    priority = set(rng.sample(range(len(children)), max(1, round(len(children) / 12))))
    recent = set(rng.sample(range(len(children)), max(2, len(children) // 20)))
    card_users = User.objects.bulk_create(
        [
            User(
                name=f"{c['preferred_name'] or c['first_name']} {f.surname}",
                password=make_password(None),
            )
            for f, c in children
            if c["class_index"] == 0
        ],
        batch_size=BATCH,
    )
    card_users_iter = iter(card_users)
    student_rows = []
    for i, (family, child) in enumerate(children):
        is_demo_child = plan.is_demo and family is families[0]
        if i in recent:
            days = rng.randint(1, 20)
        else:
            days = rng.randint(22, 365 if child["year_level"] <= 1 else 730)
        student_rows.append(
            Student(
                school=school,
                classroom=classes[child["class_index"]],
                first_name=child["first_name"],
                last_name=family.surname,
                preferred_name=child["preferred_name"],
                year_level=child["year_level"],
                start_date=today - datetime.timedelta(days=days),
                is_priority_learner=i in priority and not is_demo_child,
                user=next(card_users_iter) if child["class_index"] == 0 else None,
                **{name: child.get(name, "") for name in Student.PROFILE_FIELDS},
            )
        )
    students = Student.objects.bulk_create(student_rows, batch_size=BATCH)
    _issue_cards(
        [s for s in students if s.user_id is not None],
        issued_by=staff_users[specs[0]["email"]],
        fixed={students[0].pk: DEMO_CARD_CODE} if plan.is_demo else {},
    )

    # Whānau: a member and an account for each adult, linked to every child in the family.
    member_specs = []  # (family, adult, email, prefs)
    taken: set[str] = set()
    for family in families:
        for adult in family.adults:
            email = adult.email or _unique_email(adult, plan, taken)
            taken.add(email)
            member_specs.append((family, adult, email, _preferences(rng, adult)))
    whanau_users = _users_by_email(
        {
            email: {
                "name": f"{a.first_name} {a.last_name}",
                "password": make_password(None),
                "preferred_language": prefs["preferred_language"],
            }
            for _f, a, email, prefs in member_specs
        }
    )
    members = WhanauMember.objects.bulk_create(
        [
            WhanauMember(
                school=school,
                user=whanau_users[email],
                email=email,
                name=f"{a.first_name} {a.last_name}",
                **prefs,
            )
            for _f, a, email, prefs in member_specs
        ],
        batch_size=BATCH,
    )
    student_of = {
        id(child): student for (_f, child), student in zip(children, students, strict=True)
    }
    links = []
    for member, (family, adult, _email, _prefs) in zip(members, member_specs, strict=True):
        for child in family.children:
            links.append(
                WhanauLink(
                    whanau=member,
                    student=student_of[id(child)],
                    relationship=adult.relationship,
                    has_access=not adult.no_access,
                    receives_weekly_update=not adult.no_access and rng.random() < 0.92,
                )
            )
    WhanauLink.objects.bulk_create(links, batch_size=BATCH)
    return {
        "students": len(students),
        "classes": len(classes),
        "staff": len(staff_specs),
        "whanau": len(members),
        "links": len(links),
    }


def _unique_email(adult: _Adult, plan: SchoolPlan, taken: set[str]) -> str:
    local = f"{_slug(adult.first_name)}.{_slug(adult.last_name)}"
    email, n = f"{local}@whanau.{plan.key}.example", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@whanau.{plan.key}.example"
    return email


def _preferences(rng: random.Random, adult: _Adult) -> dict:
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


def _users_by_email(specs: dict[str, dict]) -> dict[str, User]:
    """Accounts for these (lower-case) emails: found, or made in bulk with a verified address."""
    found = User.objects.in_bulk(list(specs), field_name="email")
    new = User.objects.bulk_create(
        [User(email=email, **fields) for email, fields in specs.items() if email not in found],
        batch_size=BATCH,
    )
    users = {**found, **{u.email: u for u in new}}
    have = set()
    if found:
        have = set(
            EmailAddress.objects.filter(user__in=list(found.values())).values_list(
                "email", flat=True
            )
        )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=u, email=u.email, verified=True, primary=True)
            for u in users.values()
            if u.email not in have
        ],
        batch_size=BATCH,
    )
    return users


def _issue_cards(students: list[Student], *, issued_by: User, fixed: dict[int, str]) -> None:
    """One active card per student; codes random (as the app makes them) unless fixed."""
    codes = {s.pk: fixed.get(s.pk) or new_card_code() for s in students}
    clashes = set(SignInCard.objects.filter(code__in=codes.values()).values_list("code", flat=True))
    if DEMO_CARD_CODE in clashes and DEMO_CARD_CODE in fixed.values():
        raise DemoError(f"Card code {DEMO_CARD_CODE} already belongs to another student.")
    seen: set[str] = set()
    for pk, code in codes.items():
        while code in clashes or code in seen:
            code = new_card_code()
        seen.add(code)
        codes[pk] = code
    SignInCard.objects.bulk_create(
        [SignInCard(student=s, code=codes[s.pk], issued_by=issued_by) for s in students],
        batch_size=BATCH,
    )


# The demo logins --------------------------------------------------------------------------


def ensure_demo_logins(school: School | None, staff_hash: str, result: SeedResult) -> None:
    """Make sure each printed demo login works, even after the demo data was played with."""
    if school is None:
        return
    first_class = Classroom.objects.filter(school=school, name=KOWHAI_CLASSES[0][0]).first()
    if first_class is None:
        result.warnings.append(f"{KOWHAI_CLASSES[0][0]} is missing: no demo teacher or student.")

    leader_name, _email, leader_title = KOWHAI_LEADERS[0]
    teacher_name = KOWHAI_CLASSES[0][2]
    for email, name, role, title in (
        (LEADER_EMAIL, leader_name, Staff.Role.LEADER, leader_title),
        (TEACHER_EMAIL, teacher_name, Staff.Role.TEACHER, "Kaiako"),
    ):
        user = _demo_user(email, name, staff_hash=staff_hash)
        Staff.objects.update_or_create(
            school=school, user=user, defaults={"role": role, "title": title}
        )
        if role == Staff.Role.TEACHER and first_class is not None:
            first_class.teachers.add(user)
    result.logins.append(("leader", LEADER_EMAIL, f"password: {DEMO_PASSWORD}"))
    result.logins.append(("teacher", TEACHER_EMAIL, f"password: {DEMO_PASSWORD}"))

    first_name, _gender, relationship, _email = DEMO_ADULTS[0]
    whanau_name = f"{first_name} {DEMO_SURNAME}"
    whanau_user = _demo_user(WHANAU_EMAIL, whanau_name)
    member, _created = WhanauMember.objects.get_or_create(
        school=school, user=whanau_user, defaults={"name": whanau_name, "email": WHANAU_EMAIL}
    )
    children = list(
        Student.objects.filter(
            school=school,
            last_name=DEMO_SURNAME,
            first_name__in=[c["first_name"] for c in DEMO_CHILDREN],
        ).order_by("year_level", "pk")
    )
    for child in children:
        link, created = WhanauLink.objects.get_or_create(
            whanau=member, student=child, defaults={"relationship": relationship}
        )
        if not created and not link.has_access:
            link.has_access = True
            link.save(update_fields=["has_access"])
    result.logins.append(
        ("whānau", WHANAU_EMAIL, "sign in with a code: it is emailed (printed in this terminal)")
    )

    student = next(
        (c for c in children if c.classroom_id == getattr(first_class, "pk", None)), None
    )
    if student is None:
        result.warnings.append("The demo student is missing: no card login.")
        return
    _ensure_card(student, by=User.objects.get(email=TEACHER_EMAIL))
    display = f"{DEMO_CARD_CODE[:4]}-{DEMO_CARD_CODE[4:]}"
    result.logins.append(("student", f"card code {display}", f"at {CARD_URL}"))


def _demo_user(email: str, name: str, *, staff_hash: str | None = None) -> User:
    """The account behind a printed login; staff get the printed password back."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email, name=name, password=staff_hash or make_password(None)
        )
    elif not user.is_active or (staff_hash and user.password != staff_hash):
        user.is_active = True
        user.password = staff_hash or user.password
        user.save(update_fields=["is_active", "password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_card(student: Student, *, by: User) -> None:
    """The demo student's one active card has the fixed code."""
    card = SignInCard.objects.filter(code=DEMO_CARD_CODE).first()
    if card is not None and card.student_id != student.pk:
        raise DemoError(f"Card code {DEMO_CARD_CODE} already belongs to another student.")
    if student.user_id is None:
        student.user = User.objects.create_user(name=student.full_name)
        student.save(update_fields=["user"])
    else:
        User.objects.filter(pk=student.user_id, is_active=False).update(is_active=True)
    if card is not None and card.revoked_at is None:
        return
    SignInCard.objects.active().filter(student=student).update(revoked_at=timezone.now())
    if card is None:
        SignInCard.objects.create(student=student, code=DEMO_CARD_CODE, issued_by=by)
    else:
        card.revoked_at = None
        card.save(update_fields=["revoked_at"])
