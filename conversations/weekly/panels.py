"""What the weekly update adds to other pages: a student's button to write it, the list, an
update waiting to be read on a whānau member's home page, and whānau replies waiting in a
teacher's inbox."""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from conversations.weekly.models import UpdateDelivery, UpdateReply
from learners.inbox import SECTIONS as INBOX
from learners.inbox import Cards
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
    first, gathered by update: the ids of the oldest, then those replies by id."""
    # Which replies wait is asked of every update of my students (a leader's: a whole
    # school's), so that walk carries the ids alone; the page's few then come by key with
    # their authors and students, rather than every waiting reply being joined to both.
    waiting = list(
        UpdateReply.objects.unanswered_whanau()
        .filter(update__student__in=students_managed_by(request.user))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[: INBOX_SHOWN + 1]
    )
    if not waiting:
        return None
    shown = list(
        UpdateReply.objects.filter(pk__in=waiting[:INBOX_SHOWN])
        .select_related("author", "update__student")
        .only(
            "author__name",
            "body",
            "created_at",
            "update__week",
            "update__student__first_name",
            "update__student__last_name",
            "update__student__preferred_name",
        )
        .order_by("created_at", "pk")
    )
    items = by_update(shown)
    return {
        "items": items,
        "rows": reply_rows(request, items),
        "shown": len(shown),
        "more": len(waiting) > len(shown),
    }


def by_update(replies) -> list[dict]:
    """``{"update": …, "replies": […]}`` per update, in the order of their first reply."""
    items = {}
    for reply in replies:
        items.setdefault(reply.update_id, {"update": reply.update, "replies": []})
        items[reply.update_id]["replies"].append(reply)
    return list(items.values())


def reply_rows(request, items) -> list[str]:
    """Each update's card: its waiting replies and the form to answer them, as markup (as
    the ``waiting`` partial of ``inbox_replies.html`` draws one card, after a failed answer)."""
    cards = Cards(request, {"answer": _("Answer"), "nobody": _("Someone no longer here")})
    heading, answer_on = _("%(name)s’s update: week of %(date)s"), _("Answer on %(name)s’s update")
    weeks: dict[datetime.date, str] = {}
    rows = []
    for item in items:
        update = item["update"]
        pk, student = update.pk, update.student
        if (week := weeks.get(update.week)) is None:
            week = weeks[update.week] = escape(date_format(update.week, "j F"))
        answer_url = cards.url("weekly_update_answer", pk)
        replies = "".join(
            f'\n          <p class="mb-2"><span class="small text-body-secondary">'
            f"{cards.when(reply.created_at)}</span><br><strong>"
            f"{cards.author(reply.author)}"
            f'</strong>: <span class="profile-text">{escape(reply.body)}</span></p>'
            for reply in item["replies"]
        )
        rows.append(
            f'\n      <li class="card mb-3" id="update-waiting-{pk}"><div class="card-body">\n'
            f'        <div class="small text-body-secondary mb-1">'
            f'<a href="{cards.url("weekly_update_detail", pk)}#replies">'
            f"{heading % {'name': escape(student.full_name), 'date': week}}</a></div>"
            f"{replies}\n"
            f'        <form method="post" action="{answer_url}" hx-post="{answer_url}" '
            f'hx-target="#update-waiting-{pk}" hx-swap="outerHTML">\n'
            f"          {cards.form_fields()}\n"
            f'          <label for="update-answer-{pk}" class="form-label small">'
            f"{answer_on % {'name': escape(student.display_name)}}</label>\n"
            f'          <textarea id="update-answer-{pk}" name="body" rows="2" maxlength="2000" '
            f'class="form-control mb-2" required></textarea>\n'
            f'          <button type="submit" class="btn btn-primary btn-sm">'
            f"{cards.words['answer']}</button>\n"
            f"        </form>\n      </div></li>"
        )
    return [mark_safe(markup) for markup in rows]  # noqa: S308  every value escaped above
