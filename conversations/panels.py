"""What conversations adds to other apps' pages: a student's learning conversations, and a
conversation time waiting for whānau to book."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from conversations.access import Tamariki, own_bookings, slots_bookable_by
from conversations.models import Booking
from partnerships.access import teacher_ids_by_student
from partnerships.pages import STUDENT_LINKS, WAITING, Waiting, own_links


@STUDENT_LINKS.register("conversations", order=20)
def conversations(request, student, relation) -> dict:
    return {"url": reverse("conversation_list", args=[student.pk]), "label": _("Conversations")}


@WAITING.register("conversation_times", order=40)
def conversation_times(request, roles) -> list[Waiting] | None:
    """Whānau: each open round with a free time with one of a child's teachers, where they
    have not booked for that child yet. At most five queries, however many tamariki, rounds
    and times: their links, the free times, the children's teachers (two), their bookings."""
    if not roles.is_whanau:
        return None
    links = own_links(request)
    if not links:
        return None
    tamariki = Tamariki.of_links(links)
    free = set(
        slots_bookable_by(request.user, tamariki)
        .with_booking_state()
        .filter(is_taken=False)
        .values_list("round_id", "round__title", "round__created_at", "round__school_id", "host_id")
        .order_by()  # a time's order would make each time distinct
        .distinct()
    )
    if not free:
        return None
    teachers = teacher_ids_by_student([link.student_id for link in links])
    rounds = {each[0] for each in free}
    # Their household's times; and in a joint round, the child's one time, whoever booked it.
    booked = set(
        Booking.objects.active()
        .filter(
            Q(pk__in=own_bookings(request.user, tamariki).values("pk"))
            | Q(household__isnull=True, round__per_household=False),
            round_id__in=rounds,
            student_id__in=[link.student_id for link in links],
        )
        .values_list("student_id", "round_id")
    )
    waiting = {}
    for link in links:
        student = link.student
        for round_id, title, opened_at, school_id, host_id in free:
            if (
                school_id == student.school_id
                and host_id in teachers[student.pk]
                and (student.pk, round_id) not in booked
            ):
                waiting[student.pk, round_id] = Waiting(
                    student_id=student.pk,
                    sentence=_("Book a conversation time for %(student)s (%(round)s)")
                    % {"student": student.display_name, "round": title},
                    url=reverse("round_book", args=[round_id]),
                    # Translators: the button that books a conversation time (a verb).
                    action=_("Book"),
                    at=opened_at,
                )
    return sorted(waiting.values(), key=lambda item: (item.at, item.sentence))
