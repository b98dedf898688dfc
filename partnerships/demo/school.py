"""Building one planned school in a handful of bulk inserts: staff, classes, students, whānau
and the households they live in."""

import datetime
import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from partnerships.demo.constants import (
    BATCH,
    DEMO_CARD_CODE,
    DEMO_TIMEZONE,
    KOWHAI_LEADERS,
    DemoError,
)
from partnerships.demo.families import (
    SchoolPlan,
    class_specs,
    plan_families,
    preferences,
    random_person,
    unique_email,
)
from partnerships.models import (
    Classroom,
    Household,
    School,
    SignInCard,
    Staff,
    Student,
    Term,
    User,
    WhanauLink,
    WhanauMember,
    new_card_code,
)


def demo_terms(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Four terms a year, last year's and this year's, shaped like a New Zealand school year:
    from the first Monday of February, ten weeks each with two-week holidays between."""
    terms = []
    for year in (today.year - 1, today.year):
        start = datetime.date(year, 2, 1)
        start += datetime.timedelta(days=-start.weekday() % 7)
        for number in range(1, 5):
            end = start + datetime.timedelta(weeks=10, days=-3)  # the Friday of week ten
            terms.append((f"Term {number} {year}", start, end))
            start += datetime.timedelta(weeks=12)
    return terms


def build_school(plan: SchoolPlan, n_students: int, staff_hash: str) -> dict:
    """Build the planned school from its own seeded random; returns how many of each were made."""
    rng = random.Random(f"mahi-tahi-demo-{plan.index}")
    today = timezone.localdate()
    school = School.objects.create(name=plan.name, timezone=DEMO_TIMEZONE)
    Term.objects.bulk_create(
        [
            Term(school=school, name=name, starts_on=start, ends_on=end)
            for name, start, end in demo_terms(today)
        ]
    )

    specs = class_specs(plan, n_students, rng)
    classes = Classroom.objects.bulk_create(
        [Classroom(school=school, name=s["name"], year_level=s["year_level"]) for s in specs],
        batch_size=BATCH,
    )

    # Staff: leaders, then one teacher per class; all share the one demo password hash.
    if plan.is_demo:
        leaders = KOWHAI_LEADERS
    else:
        leaders = [(random_person(rng), f"tumuaki@{plan.key}.example", "Tumuaki")]
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
    families = plan_families(plan, specs, n_students, rng)
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
    home = _households(school, families)
    member_specs = []  # (family, adult, email, prefs)
    taken: set[str] = set()
    for family in families:
        for adult in family.adults:
            email = adult.email or unique_email(adult, plan, taken)
            taken.add(email)
            member_specs.append((family, adult, email, preferences(rng, adult)))
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
                household=home.get(id(a)),
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


def _households(school: School, families: list) -> dict[int, Household]:
    """Who lives together, by ``id`` of each planned adult: a family's grown-ups who share its
    surname (parents, a grandparent), never one under a custody order. Anyone else lives on
    their own until staff say otherwise. No random draws, so the rest of the plan is as it
    was."""
    together = [
        [a for a in family.adults if a.last_name == family.surname and not a.no_access]
        for family in families
    ]
    together = [adults for adults in together if len(adults) > 1]
    made = Household.objects.bulk_create(
        [Household(school=school) for _adults in together], batch_size=BATCH
    )
    return {
        id(adult): household
        for adults, household in zip(together, made, strict=True)
        for adult in adults
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
