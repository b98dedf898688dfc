"""What the weekly update adds to other pages: a student's button to write it, the list, an
update waiting to be read on a whānau member's home page, and whānau replies waiting in a
teacher's inbox."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from conversations.weekly.models import UpdateDelivery, UpdateReply
from learners.inbox import SECTIONS as INBOX
from partnerships.access import students_managed_by
from partnerships.models import WhanauLink
from partnerships.pages import HOME, STUDENT_LINKS, WAITING, Waiting

# An update not opened in three weeks is old news: it stops waiting on the home page.
UNREAD_FOR = datetime.timedelta(weeks=3)
# The inbox shows the oldest replies; answering them brings up the next.
INBOX_SHOWN = 50


@HOME.register("weekly_update", template="conversations/weekly/panels/write.html", order=15)
def write(request, roles) -> dict | None:
    return {} if roles.is_student else None


@STUDENT_LINKS.register("weekly_updates", order=30)
def weekly_updates(request, student, relation) -> dict:
    return {"url": reverse("weekly_update_list", args=[student.pk]), "label": _("Weekly updates")}


@WAITING.register("weekly_update_unread", order=30)
def unread_updates(request, roles) -> list[Waiting] | None:
    """Each update sent to this whānau member in the last three weeks that they haven't
    opened, while they may still see the child: one query."""
    if not roles.is_whanau:
        return None
    now = timezone.now()
    still_linked = WhanauLink.objects.with_access().filter(
        whanau=OuterRef("whanau"), student=OuterRef("update__student")
    )
    deliveries = (
        UpdateDelivery.objects.filter(
            Exists(still_linked),
            whanau__user=request.user,
            status=UpdateDelivery.Status.SENT,
            read_at__isnull=True,
            sent_at__gte=now - UNREAD_FOR,
        )
        .select_related("update__student__school")
        .order_by("sent_at", "pk")
    )
    waiting, seen = [], set()
    for delivery in deliveries:
        update = delivery.update
        if update.pk in seen:  # sent to two of the person's whānau rows (two schools)
            continue
        seen.add(update.pk)
        student = update.student
        if update.week == student.school.week_of(now):
            sentence = _("Read %(name)s’s update for this week") % {"name": student.display_name}
        else:
            sentence = _("Read %(name)s’s update for the week of %(date)s") % {
                "name": student.display_name,
                "date": date_format(update.week, "j F"),
            }
        waiting.append(
            Waiting(
                student_id=student.pk,
                sentence=sentence,
                url=reverse("weekly_update_detail", args=[update.pk]),
                action=_("Read"),
                at=delivery.sent_at,
            )
        )
    return waiting


@INBOX.register(
    "weekly_update_replies", template="conversations/weekly/inbox_replies.html", order=20
)
def update_replies(request) -> dict | None:
    """Whānau replies to my students' updates that nobody at school has answered, oldest
    first, gathered by update: one query."""
    replies = list(
        UpdateReply.objects.unanswered_whanau()
        .filter(update__student__in=students_managed_by(request.user))
        .select_related("author", "update__student")
        .order_by("created_at", "pk")[: INBOX_SHOWN + 1]
    )
    if not replies:
        return None
    shown = replies[:INBOX_SHOWN]
    return {"items": by_update(shown), "shown": len(shown), "more": len(replies) > len(shown)}


def by_update(replies) -> list[dict]:
    """``{"update": …, "replies": […]}`` per update, in the order of their first reply."""
    items = {}
    for reply in replies:
        items.setdefault(reply.update_id, {"update": reply.update, "replies": []})
        items[reply.update_id]["replies"].append(reply)
    return list(items.values())
