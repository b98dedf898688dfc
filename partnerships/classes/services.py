"""Writes for a class as a whole: its sign-in cards, issued or re-issued together."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnerships.access import classes_visible_to, students_managed_by
from partnerships.models import Classroom, SignInCard, Student, User
from partnerships.services import cards_issue


def class_cards_issue(
    *,
    classroom: Classroom,
    by: User,
    student_ids=None,
    reissue: bool = False,
) -> list[SignInCard]:
    """Issue sign-in cards to the class's current students; the cards issued, in class order.

    Without ``reissue`` only students with no working card get one, so asking again (a double
    submit, a second teacher at the same time) issues nothing twice. With ``reissue`` each
    chosen student gets a new card and their old one stops working at once, as
    ``sign_in_card_issue`` does for one student. ``student_ids`` narrows either to those
    students; any not in the class, or not managed by ``by``, are left out.
    """
    if not classes_visible_to(by).filter(pk=classroom.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        chosen = Student.objects.current().filter(
            classroom=classroom, pk__in=students_managed_by(by).values("pk")
        )
        if student_ids is not None:
            chosen = chosen.filter(pk__in=list(student_ids))
        # Locked first, then asked which have a card: a second request waiting on the lock
        # sees the cards the first one issued, and finds those students no longer missing.
        students = list(chosen.select_for_update().in_class_order())
        with_card = set(
            SignInCard.objects.active()
            .filter(student__in=[student.pk for student in students])
            .values_list("student_id", flat=True)
        )
        if not reissue:
            students = [student for student in students if student.pk not in with_card]
        return cards_issue(students, by, stop_old=reissue) if students else []
