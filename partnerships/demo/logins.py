"""The printed demo logins: made to work again however the demo data was played with."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from partnerships import households
from partnerships.demo.constants import (
    CARD_URL,
    DEMO_ADULTS,
    DEMO_CARD_CODE,
    DEMO_CHILDREN,
    DEMO_PASSWORD,
    DEMO_SURNAME,
    KOWHAI_CLASSES,
    KOWHAI_LEADERS,
    LEADER_EMAIL,
    SEPARATED_PARENT,
    TEACHER_EMAIL,
    WHANAU_EMAIL,
    DemoError,
    SeedResult,
)
from partnerships.models import (
    Classroom,
    School,
    SignInCard,
    Staff,
    Student,
    User,
    WhanauLink,
    WhanauMember,
)


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
        _ensure_link(member, child, relationship)
    result.logins.append(
        ("whānau", WHANAU_EMAIL, "sign in with a code: it is emailed (printed in this terminal)")
    )
    leader = User.objects.get(email=LEADER_EMAIL)
    _ensure_households(school, member, children, by=leader, result=result)

    student = next(
        (c for c in children if c.classroom_id == getattr(first_class, "pk", None)), None
    )
    if student is None:
        result.warnings.append("The demo student is missing: no card login.")
        return
    _ensure_card(student, by=User.objects.get(email=TEACHER_EMAIL))
    display = f"{DEMO_CARD_CODE[:4]}-{DEMO_CARD_CODE[4:]}"
    result.logins.append(("student", f"card code {display}", f"at {CARD_URL}"))


def _ensure_link(member: WhanauMember, child: Student, relationship: str) -> None:
    link, created = WhanauLink.objects.get_or_create(
        whanau=member, student=child, defaults={"relationship": relationship}
    )
    if not created and not link.has_access:
        link.has_access = True
        link.save(update_fields=["has_access"])


def _ensure_households(
    school: School, huia: WhanauMember, children: list[Student], *, by: User, result: SeedResult
) -> None:
    """Huia lives with Koro Rāwiri; Tamati's father, with his own login, lives apart. Put
    back if the demo was played with (through the same services staff use); as they are,
    nothing changes."""
    koro_first, _gender, _relationship, _email = DEMO_ADULTS[1]
    koro = (
        WhanauMember.objects.filter(
            school=school, name=f"{koro_first} {DEMO_SURNAME}", links__student__in=children
        )
        .order_by("pk")
        .first()
    )
    if koro is not None and (huia.household_id is None or huia.household_id != koro.household_id):
        households.household_join(member=huia, other=koro, by=by)

    child = next((c for c in children if c.first_name == SEPARATED_PARENT["child"]), None)
    if child is None:
        result.warnings.append(f"{SEPARATED_PARENT['child']} is missing: no second household.")
        return
    name = f"{SEPARATED_PARENT['first_name']} {SEPARATED_PARENT['last_name']}"
    email = SEPARATED_PARENT["email"]
    father, _created = WhanauMember.objects.get_or_create(
        school=school, user=_demo_user(email, name), defaults={"name": name, "email": email}
    )
    _ensure_link(father, child, SEPARATED_PARENT["relationship"])
    if father.household_id is not None and father.household_id == huia.household_id:
        households.household_leave(member=father, by=by)
    result.logins.append(
        ("whānau", email, f"the same, as {child.display_name}’s father (another household)")
    )


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
