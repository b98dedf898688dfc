"""The weekly update home: writing it, the teacher's week, reading and replying (and answering
from the inbox), unsubscribing."""

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations.weekly import sending, services
from conversations.weekly.access import updates_managed_by, updates_visible_to
from conversations.weekly.forms import ReplyForm, WeeklyUpdateForm
from conversations.weekly.models import UpdateDelivery, UpdateReply, WeeklyUpdate, WeekSend
from partnerships import audit, submissions
from partnerships.access import relation_to, students_managed_by, students_visible_to
from partnerships.files import private_file_response
from partnerships.forms import an_id
from partnerships.models import OutboxEmail, Student, Voice, WhanauLink
from partnerships.roles import request_roles, staff_only, student_only
from partnerships.submissions import once_per_form

# A school's week is a row per student: a page of them at a time, as the school's student list.
WEEK_PER_PAGE = 50


def _link_problem(request, *, expired: bool):
    """An emailed link that ran out (410) or was never ours (400), said plainly."""
    return render(
        request,
        "conversations/weekly/link_problem.html",
        {"expired": expired},
        status=410 if expired else 400,
    )


def _photo_url(update: WeeklyUpdate | None) -> str | None:
    """The update's photo through the photo view, changing when the photo does (browsers
    keep it an hour); never the stored name, an internal path."""
    if update is None or not update.photo:
        return None
    version = hashlib.sha256(update.photo.name.encode()).hexdigest()[:12]
    return reverse("weekly_update_photo", args=[update.pk]) + "?" + urlencode({"v": version})


def _write(request, student: Student, *, with_teacher: bool):
    week = student.school.week_of(timezone.now())
    update = WeeklyUpdate.objects.filter(student=student, week=week).first()
    gone_home = update is not None and update.queued_at is not None
    photo_url = _photo_url(update)  # as stored: a form that fails to save changes the object
    form = WeeklyUpdateForm(
        request.POST or None, request.FILES or None, instance=update, student=student
    )
    if request.method == "POST" and not gone_home and form.is_valid():
        try:
            update = services.weekly_update_save(
                student=student,
                data=form.cleaned_data,
                week=week,
                by=request.user,
                submit="submit" in request.POST,
                with_teacher=with_teacher,
            )
        except services.UpdateGoneHomeError:
            gone_home = True
        else:
            if update.status == WeeklyUpdate.Status.DRAFT:
                messages.success(request, _("Saved as a draft. Finish it any time this week."))
            else:
                messages.success(request, _("Ka pai! Your update is ready to go home."))
            return redirect(request.path)
    return render(
        request,
        "conversations/weekly/weekly_update_write.html",
        {
            "student": student,
            "update": update,
            "form": form,
            "week": week,
            "send_at": student.school.send_time(week),
            "photo_url": photo_url,
            "gone_home": gone_home,
            "with_teacher": with_teacher,
        },
    )


@student_only
@require_http_methods(["GET", "POST"])
@once_per_form
def weekly_update_write(request):
    """A student writes this week's update home."""
    student = Student.objects.select_related("school").get(pk=request_roles(request).student_id)
    return _write(request, student, with_teacher=False)


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def weekly_update_write_with(request, pk: int):
    """A teacher writes the update together with a younger student."""
    student = get_object_or_404(students_managed_by(request.user).select_related("school"), pk=pk)
    return _write(request, student, with_teacher=True)


@dataclass(frozen=True)
class DeliveryState:
    """How a delivery stands: ``status`` is sent, waiting, failed or not_sent. ``reason`` is
    stored untranslated and translated as the page shows it."""

    status: str
    reason: str = ""
    retry_at: datetime.datetime | None = None


OUTBOX_STATES = {
    OutboxEmail.Status.SENT: "sent",
    OutboxEmail.Status.QUEUED: "waiting",
    OutboxEmail.Status.FAILED: "failed",
    OutboxEmail.Status.SKIPPED: "not_sent",
}


def _with_state(deliveries: list[UpdateDelivery]) -> None:
    """Set ``state`` on each delivery from its email in the outbox: one query for them all."""
    rows = {
        row.key: row
        for row in OutboxEmail.objects.filter(
            key__in=[sending.delivery_key(delivery.pk) for delivery in deliveries]
        ).only("key", "status", "reason", "send_after", "attempts")
    }
    now = timezone.now()
    for delivery in deliveries:
        row = rows.get(sending.delivery_key(delivery.pk))
        if row is None:
            # Written before the outbox (or by the demo): its own status, without the reason,
            # which then held the mail server's raw words.
            status = {"sent": "sent", "failed": "failed"}.get(delivery.status, "waiting")
            delivery.state = DeliveryState(status)
            continue
        # Waiting for a later time after a failure: the outbox tries again then.
        retrying = row.status == OutboxEmail.Status.QUEUED and row.send_after > now
        delivery.state = DeliveryState(
            OUTBOX_STATES[row.status],
            row.reason,
            row.send_after if retrying and (row.reason or row.attempts) else None,
        )


@require_safe
@staff_only
def weekly_update_week(request):
    """The teacher's week: who has written, who hasn't, who needs approval, and who got it."""
    school = request_roles(request).staff_school
    this_week = school.week_of(timezone.now())
    try:
        week = datetime.date.fromisoformat(request.GET.get("week", ""))
        week -= datetime.timedelta(days=week.weekday())
        previous_week = week - datetime.timedelta(days=7)
    except (ValueError, OverflowError):  # not a date, or one with no week before it
        week = this_week
        previous_week = week - datetime.timedelta(days=7)
    deliveries = UpdateDelivery.objects.select_related("whanau").order_by("whanau__name")
    updates = WeeklyUpdate.objects.filter(week=week).prefetch_related(
        Prefetch("deliveries", queryset=deliveries, to_attr="sent_to")
    )
    students = students_managed_by(request.user).filter(school=school)
    page = Paginator(
        students.select_related("classroom")
        .prefetch_related(Prefetch("weekly_updates", queryset=updates, to_attr="this_week"))
        .order_by("classroom__name", "last_name", "pk"),
        WEEK_PER_PAGE,
    ).get_page(request.GET.get("page"))
    rows = [(student, next(iter(student.this_week), None)) for student in page]
    _with_state([delivery for _student, update in rows if update for delivery in update.sent_to])
    return render(
        request,
        "conversations/weekly/weekly_update_week.html",
        {
            "school": school,
            "week": week,
            "previous_week": previous_week,
            "next_week": week + datetime.timedelta(days=7) if week < this_week else None,
            "send_at": school.send_time(week),
            "sent_at": WeekSend.objects.filter(school=school, week=week)
            .values_list("finished_at", flat=True)
            .first(),
            "rows": rows,
            "page": page,
            # The button approves the whole week: it counts every page's. Asked from the
            # students (one update each a week), so the planner starts from the week's few.
            "waiting": students.filter(
                weekly_updates__week=week, weekly_updates__status=WeeklyUpdate.Status.SUBMITTED
            ).count(),
        },
    )


@login_required
@require_POST
def weekly_update_approve(request):
    """Approve one update, or every written update of the week."""
    updates = updates_managed_by(request.user)
    update_id = request.POST.get("update", "")
    try:
        week = datetime.date.fromisoformat(request.POST.get("week", ""))
    except ValueError:
        week = None
    if update_id:
        if an_id(update_id) is None:
            raise Http404
        updates = updates.filter(pk=update_id)
    elif week is None:
        raise Http404
    else:
        updates = updates.filter(week=week)
    count = services.weekly_updates_approve(updates=updates, by=request.user)
    messages.success(request, _("%(n)s approved.") % {"n": count})
    # Back to the week as read, never the text as sent (which could be any length).
    shown = week.isoformat() if week else ""
    return redirect(reverse("weekly_update_week") + "?" + urlencode({"week": shown}))


@require_safe
@login_required
def weekly_update_list(request, pk: int):
    student = get_object_or_404(students_visible_to(request.user), pk=pk)
    updates = updates_visible_to(request.user).filter(student=student).prefetch_related("replies")
    audit.viewed(request, student=student, what=_("Weekly updates"))
    return render(
        request,
        "conversations/weekly/weekly_update_list.html",
        {"student": student, "updates": updates},
    )


@login_required
@require_http_methods(["GET", "POST"])
def weekly_update_detail(request, pk: int):
    """One update, with the replies from home, and a box to reply. Staff of the student also
    see whom it went to, and who has opened it."""
    managed = updates_managed_by(request.user).filter(pk=OuterRef("pk"))
    update = get_object_or_404(
        updates_visible_to(request.user)
        .select_related("student__school", "goal", "author")
        .annotate(managed=Exists(managed)),
        pk=pk,
    )
    if request.method == "GET" and request_roles(request).is_whanau:
        services.weekly_update_mark_read(update=update, by=request.user)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        relation = relation_to(request.user, update.student)
        services.weekly_update_reply(
            update=update, by=request.user, voice=relation.voice, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Thank you: your reply is sent to school."))
        return redirect("weekly_update_detail", pk=update.pk)
    audit.viewed(request, student=update.student, obj=update)
    return render(
        request,
        "conversations/weekly/weekly_update_detail.html",
        {
            "update": update,
            "student": update.student,
            "replies": update.replies.select_related("author"),
            "form": form,
            "deliveries": (
                update.deliveries.select_related("whanau").order_by("whanau__name", "pk")
                if update.managed
                else None
            ),
        },
    )


@login_required
@require_POST
@once_per_form
def weekly_update_answer(request, pk: int):
    """The school answers whānau replies to an update, from the inbox: in place with htmx."""
    update = get_object_or_404(updates_managed_by(request.user).select_related("student"), pk=pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        # The school's answer, whoever else the person is to the child.
        leads = update.student.school_id in request_roles(request).led_school_ids
        services.weekly_update_reply(
            update=update,
            by=request.user,
            voice=Voice.LEADER if leads else Voice.TEACHER,
            body=form.cleaned_data["body"],
        )
        submissions.succeeded(request)
        if request.htmx:
            return render(
                request, "conversations/weekly/inbox_replies.html#answered", {"update": update}
            )
        messages.success(request, _("Your answer is posted."))
        return redirect("inbox")
    error = " ".join(form.errors.get("body", []))
    if request.htmx:
        replies = UpdateReply.objects.unanswered_whanau().filter(update=update)
        item = {"update": update, "replies": replies.select_related("author"), "error": error}
        return render(request, "conversations/weekly/inbox_replies.html#waiting", {"item": item})
    messages.error(request, error)
    return redirect("inbox")


@require_safe
@login_required
def weekly_update_photo(request, pk: int):
    update = get_object_or_404(updates_visible_to(request.user).exclude(photo=""), pk=pk)
    return private_file_response(update.photo, content_type=update.photo_type)


def weekly_update_read(request, token: str):
    """The link in the email: to the update, through sign-in by code when needed."""
    try:
        delivery = sending.delivery_for_read_token(token)
    except signing.SignatureExpired:
        return _link_problem(request, expired=True)
    except (signing.BadSignature, UpdateDelivery.DoesNotExist):
        return _link_problem(request, expired=False)
    target = reverse("weekly_update_detail", args=[delivery.update_id])
    if request.user.is_authenticated:
        return redirect(target)
    return redirect(reverse("account_request_login_code") + "?" + urlencode({"next": target}))


@csrf_exempt  # RFC 8058 one-click: the mail provider posts without a session or token
@require_http_methods(["GET", "POST"])
def weekly_update_unsubscribe(request, token: str):
    """Stop the weekly email for this child, with one click and without signing in."""
    try:
        link = sending.link_for_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _link_problem(request, expired=True)
    except (signing.BadSignature, WhanauLink.DoesNotExist):
        return _link_problem(request, expired=False)
    done = False
    if request.method == "POST":
        services.weekly_update_unsubscribe(link=link)
        done = True
    return render(
        request,
        "conversations/weekly/unsubscribe.html",
        {"link": link, "done": done, "token": token},
    )
