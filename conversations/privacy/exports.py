"""What conversations holds about a person and a school, for exports.

For the child an export is about: their learning conversations as whānau read them (never the
staff-only notes), their weekly updates once they went home, with the replies, and the
bookings of the person's own household only (another household's arrangements are not
theirs, as in the app). Without the child: what the person wrote themself. Contributors are
named only as "you" or by their part.

The child's part is built on the whānau rules themselves (``child_of`` has found the child
theirs to see), never on the access scopes, which give a parent who also teaches at the
school what they see as staff (drafts of updates, staff-only notes).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from conversations import services
from conversations.access import own_bookings, time_requests_visible_to
from conversations.booking import DETAILS as BOOKING_DETAILS
from conversations.models import (
    Booking,
    LearningConversation,
    Reflection,
    TimeRequest,
    UpdateReply,
    WeeklyUpdate,
)
from partnerships.models import Voice, WhanauMember
from partnerships.privacy.hooks import PERSON_SECTIONS, SCHOOL_TABLES, Section, Subject, Table
from partnerships.privacy.rows import (
    child_of,
    csv_rows,
    fields,
    file_name,
    is_staff_of,
    shown,
    whose,
)

# What whānau read of a conversation's record: all of it but the staff-only notes.
CONVERSATION_FIELDS = tuple(name for name in services.CONVERSATION_FIELDS if name != "staff_notes")
UPDATE_FIELDS = ("week", "learned", "proud_of", "working_on", "question_for_home")
BOOKING_FIELDS = (*BOOKING_DETAILS, "cancelled_at")


def _conversations(subject: Subject, student):
    member_ids = set(
        WhanauMember.objects.filter(school=subject.school, user=subject.user).values_list(
            "pk", flat=True
        )
    )
    # Read through CONVERSATION_FIELDS: the shared summary, never the staff-only notes.
    conversations = (
        LearningConversation.objects.filter(student=student)
        .prefetch_related(
            Prefetch("reflections", Reflection.objects.order_by("created_at", "pk")),
            "whanau_attendees",
        )
        .order_by("held_at", "pk")
    )
    rows = []
    for conversation in conversations:
        row = fields(conversation, CONVERSATION_FIELDS)
        attended = any(member.pk in member_ids for member in conversation.whanau_attendees.all())
        row[_("You took part")] = shown(attended)
        for reflection in conversation.reflections.all():
            row[
                _("Reflection (%(who)s, %(date)s)")
                % {
                    "who": whose(subject, reflection.author_id, reflection.voice),
                    "date": shown(reflection.created_at),
                }
            ] = reflection.body
        rows.append(row)
    return rows


def _updates(subject: Subject, student):
    # Whānau see an update once it has gone home: never a draft, nor one waiting for approval.
    updates = (
        WeeklyUpdate.objects.filter(student=student, queued_at__isnull=False)
        .prefetch_related(Prefetch("replies", UpdateReply.objects.order_by("created_at", "pk")))
        .order_by("week", "pk")
    )
    rows, files = [], []
    for update in updates:
        row = fields(update, UPDATE_FIELDS)
        if update.photo:
            in_zip = file_name("weekly-updates", update.pk, "photo")
            row[_("Photo")] = f"files/{in_zip}"
            files.append((in_zip, update.photo))
        for reply in update.replies.all():
            row[
                _("Reply (%(who)s, %(date)s)")
                % {
                    "who": whose(subject, reply.author_id, reply.voice),
                    "date": shown(reply.created_at),
                }
            ] = reply.body
        rows.append(row)
    return rows, files


def _bookings(subject: Subject, student):
    bookings = own_bookings(subject.user).filter(student__school=subject.school)
    bookings = (
        bookings.filter(student=student)
        if student is not None
        else bookings.filter(whanau__user=subject.user)
    )
    rows = []
    for booking in bookings.select_related("round", "slot", "whanau").order_by(
        "slot__starts_at", "pk"
    ):
        row = {_("Round"): booking.round.title, _("Time"): shown(booking.slot.starts_at)}
        row |= fields(booking, BOOKING_FIELDS)
        row[_("Booked by")] = (
            _("You") if booking.whanau.user_id == subject.user.pk else _("Your household")
        )
        rows.append(row)
    return rows


def _time_requests(subject: Subject):
    requests = time_requests_visible_to(subject.user).filter(
        whanau__user=subject.user, student__school=subject.school
    )
    return [
        fields(request, ("message", "answer", "answered_at", "created_at"))
        for request in requests.order_by("created_at", "pk")
    ]


def _own_replies(subject: Subject, student):
    replies = UpdateReply.objects.filter(
        update__student__school=subject.school, author=subject.user
    ).exclude(voice__in=Voice.school_voices())
    if student is not None:
        replies = replies.exclude(update__student=student)
    return [
        {_("Date"): shown(reply.created_at), _("Your reply"): reply.body}
        for reply in replies.order_by("created_at", "pk")
    ]


def _staff_counts(subject: Subject):
    user, school = subject.user, subject.school
    return [
        {
            _("Conversations recorded"): str(
                LearningConversation.objects.filter(
                    student__school=school, recorded_by=user
                ).count()
            ),
            _("Replies to weekly updates"): str(
                UpdateReply.objects.filter(
                    update__student__school=school, author=user, voice__in=Voice.school_voices()
                ).count()
            ),
        }
    ]


@PERSON_SECTIONS.register("conversations", order=30)
def person_sections(subject: Subject):
    student = child_of(subject)
    if student is not None:
        yield Section(_("Learning conversations"), _conversations(subject, student))
        rows, files = _updates(subject, student)
        yield Section(_("Weekly updates home"), rows, files)
    yield Section(_("Your household’s bookings"), _bookings(subject, student))
    yield Section(_("Times you asked for"), _time_requests(subject))
    yield Section(_("Your other replies to weekly updates"), _own_replies(subject, student))
    if is_staff_of(subject):
        yield Section(_("What you recorded as staff"), _staff_counts(subject))


# A school's tables -------------------------------------------------------------------


@SCHOOL_TABLES.register("conversations", order=30)
def school_tables(school):
    tables = {
        "conversations": (
            LearningConversation.objects.filter(student__school=school),
            [
                "id",
                "student_id",
                *services.CONVERSATION_FIELDS,
                "recorded_by__name",
                "created_at",
            ],
        ),
        "conversation_reflections": (
            Reflection.objects.filter(conversation__student__school=school),
            ["id", "conversation_id", "author__name", "voice", "body", "created_at"],
        ),
        "bookings": (
            Booking.objects.filter(student__school=school),
            [
                "id",
                "round__title",
                "slot__starts_at",
                "student_id",
                "whanau_id",
                "household_id",
                *BOOKING_FIELDS,
                "created_at",
            ],
        ),
        "time_requests": (
            TimeRequest.objects.filter(student__school=school),
            [
                "id",
                "round__title",
                "student_id",
                "whanau_id",
                "message",
                "answer",
                "answered_at",
                "created_at",
            ],
        ),
        "weekly_updates": (
            WeeklyUpdate.objects.filter(student__school=school),
            [
                "id",
                "student_id",
                *UPDATE_FIELDS,
                "status",
                "author__name",
                "queued_at",
                "created_at",
            ],
        ),
        "weekly_update_replies": (
            UpdateReply.objects.filter(update__student__school=school),
            ["id", "update_id", "author__name", "voice", "body", "created_at"],
        ),
    }
    for name, (queryset, names) in tables.items():
        yield Table(name, names, csv_rows(queryset.order_by("pk"), names))
    photos = WeeklyUpdate.objects.filter(student__school=school).exclude(photo="").order_by("pk")
    yield Table(
        "weekly_update_photos",
        ["update_id", "file"],
        (
            [pk, f"files/weekly_update_photos/{pk}-photo"]
            for pk in photos.values_list("pk", flat=True)
        ),
        ((f"{update.pk}-photo", update.photo) for update in photos.only("pk", "photo").iterator()),
    )
