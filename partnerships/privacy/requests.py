"""Requests for one's information (IPP 6) or its correction (IPP 7): made by anyone of a
school about themself or their child, answered by the school's privacy officers within 20
working days (``due``). Each step is audited without what the request says, and emails its
people through the outbox in the same transaction."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from partnerships import audit, mail, outbox
from partnerships.access import own_whanau_links, signed_in, students_visible_to
from partnerships.models import (
    AuditEvent,
    PrivacyExport,
    PrivacyRequest,
    School,
    Staff,
    Student,
    User,
    WhanauMember,
)
from partnerships.privacy import exports, statements
from partnerships.privacy.due import due_on
from partnerships.privacy.hooks import CORRECTABLE, Correctable
from partnerships.privacy.policy import is_officer, officers

Kind = PrivacyRequest.Kind
Status = PrivacyRequest.Status

DETAILS_MAX = PrivacyRequest._meta.get_field("details").max_length
ANSWER_MAX = PrivacyRequest._meta.get_field("response").max_length


def not_found() -> ValidationError:
    # The same words whatever was wrong (no such record, another family's, a child without
    # access): the answer discloses nothing.
    return ValidationError(_("We could not find that among your records."))


def correctable(record_type: str) -> Correctable | None:
    for entry in CORRECTABLE:
        if entry.name == record_type:
            return entry.function()
    return None


def family_students(user) -> QuerySet[Student]:
    """Whom a person may ask about besides themself: their tamariki while linked with access,
    and, for a student, themself."""
    return students_visible_to(user).filter(
        Q(user=user) | Q(pk__in=own_whanau_links(user).values("student_id"))
    )


def own_school(user) -> School | None:
    """The school a person asking "just me" belongs to as family: where their tamariki are
    (with access), else where they learn, and only then where they work. Someone who works at
    one school and is whānau at another asks "just me" from their family's side of the app:
    their request goes to their tamariki's school, not to their employer."""
    member = (
        WhanauMember.objects.filter(user=user, links__in=own_whanau_links(user))
        .select_related("school")
        .order_by("pk")
        .first()
    )
    if member is not None:
        return member.school
    student = Student.objects.filter(user=user).select_related("school").first()
    if student is not None:
        return student.school
    staff = Staff.objects.filter(user=user).select_related("school").order_by("school_id").first()
    return staff.school if staff is not None else None


# Asking ---------------------------------------------------------------------------------


@transaction.atomic
def privacy_request_make(
    *,
    actor,
    kind: str,
    student_id: int | None = None,
    details: str = "",
    record_type: str = "",
    record_id: int | None = None,
) -> PrivacyRequest:
    """Receive a request from ``actor``: about themself (``student_id`` None), their child, or
    for a correction the record it is about (whose child it is follows from the record)."""
    if not signed_in(actor):
        raise PermissionDenied
    if kind not in Kind.values:
        raise ValidationError(_("Please choose what you are asking for."))
    details = details.strip()
    if len(details) > DETAILS_MAX:
        raise ValidationError(
            _("Please keep it to %(count)s characters or fewer.") % {"count": DETAILS_MAX}
        )
    student, school = None, None
    if kind == Kind.CORRECTION:
        kind_of = correctable(record_type)
        record = kind_of.find(actor, record_id) if kind_of and record_id else None
        if record is None:
            raise not_found()
        if not details:
            raise ValidationError(_("Please tell us what it should say, and why."))
        student = kind_of.student(record)
        school_id = student.school_id if student is not None else record.school_id
        school = School.objects.get(pk=school_id)
    else:
        record_type, record_id = "", None
        if student_id is not None:
            student = family_students(actor).select_related("school").filter(pk=student_id).first()
            if student is None:
                raise not_found()
            school = student.school
        else:
            school = own_school(actor)
            if school is None:
                raise not_found()
    now = timezone.now()
    request = PrivacyRequest.objects.create(
        school=school,
        kind=kind,
        requester=actor,
        student=student,
        details=details,
        record_type=record_type,
        record_id=record_id,
        received_at=now,
        due_on=due_on(timezone.localtime(now, school.zone).date()),
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATED,
        obj=request,
        student=student,
        summary=_("A request for access to information was received")
        if kind == Kind.ACCESS
        else _("A request for a correction was received"),
    )
    for staff in officers(school).select_related("user"):
        outbox.enqueue(
            kind=TO_OFFICER,
            key=f"privacy_request:{request.pk}:officer:{staff.user_id}",
            params={"request": request.pk, "user": staff.user_id},
            school=school,
        )
    _tell_requester(request, RECEIVED)
    return request


# Answering ------------------------------------------------------------------------------


def _open_request(actor, request_id: int, kind: str) -> PrivacyRequest:
    """The request, locked, if ``actor`` is one of its school's privacy officers and it is
    still open; else why not."""
    request = (
        PrivacyRequest.objects.select_for_update(of=("self",))
        .select_related("school", "requester")
        .filter(pk=request_id, kind=kind)
        .first()
    )
    if request is None or not is_officer(actor, request.school):
        raise PermissionDenied
    if request.status != Status.OPEN:
        raise ValidationError(
            _("This request is already closed (%(status)s): nothing more can be done with it.")
            % {"status": request.get_status_display()}
        )
    return request


def _record(request: PrivacyRequest, actor):
    kind_of = correctable(request.record_type)
    record = kind_of.find_for_officer(actor, request.school, request.record_id) if kind_of else None
    if record is None:
        raise ValidationError(_("The record this request is about no longer exists."))
    return kind_of, record


def _close(request: PrivacyRequest, actor, status: str, summary: str) -> None:
    request.status = status
    request.closed_at = timezone.now()
    request.closed_by = actor
    request.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CHANGED,
        obj=request,
        student=request.student,
        summary=summary,
    )
    _tell_requester(request, ANSWERED)


@transaction.atomic
def privacy_request_correct(
    *, actor, request_id: int, values: dict[str, str], response: str = ""
) -> PrivacyRequest:
    """Correct the record as the officer wrote it (``values``, by field), and close."""
    request = _open_request(actor, request_id, Kind.CORRECTION)
    kind_of, record = _record(request, actor)
    cleaned = {}
    for field in kind_of.fields:
        value = str(values.get(field.name, "")).strip()
        if not field.long:
            value = " ".join(value.split())  # one line: no stray line breaks or spaces
        if field.required and not value:
            raise ValidationError({field.name: _("Please write what it should say.")})
        if len(value) > field.max_length:
            raise ValidationError(
                {
                    field.name: _("Please keep it to %(count)s characters or fewer.")
                    % {"count": field.max_length}
                }
            )
        cleaned[field.name] = value
    kind_of.correct(record, actor=actor, values=cleaned)
    request.response = response.strip()[:ANSWER_MAX]
    _close(request, actor, Status.CORRECTED, _("A correction request was answered: corrected"))
    return request


@transaction.atomic
def privacy_request_decline(
    *, actor, request_id: int, response: str, statement: str
) -> PrivacyRequest:
    """Decline to correct, saying why, and attach the person's statement of correction to the
    record, where everyone who reads it sees it."""
    request = _open_request(actor, request_id, Kind.CORRECTION)
    response, statement = response.strip(), statement.strip()
    if not response:
        raise ValidationError({"response": _("Please say why the record stays as it is.")})
    if not statement:
        raise ValidationError(
            {"statement": _("Please give the statement of correction to attach.")}
        )
    for name, value in (("response", response), ("statement", statement)):
        if len(value) > ANSWER_MAX:
            raise ValidationError(
                {
                    name: _("Please keep it to %(count)s characters or fewer.")
                    % {"count": ANSWER_MAX}
                }
            )
    kind_of, record = _record(request, actor)
    # Whose voice, never who: the record is read by the child's other household too.
    kind_of.attach(
        record,
        actor=actor,
        voice=statements.voice_of(request.requester, kind_of.student(record)),
        text=statement,
        on=timezone.localtime(timezone.now(), request.school.zone).date(),
    )
    request.response, request.statement = response, statement
    _close(
        request,
        actor,
        Status.DECLINED,
        _("A correction request was answered: declined, with a statement attached"),
    )
    return request


class ExportAlreadyAskedError(Exception):
    def __init__(self, export: PrivacyExport):
        super().__init__("already")
        self.export = export


@transaction.atomic
def privacy_request_export(*, actor, request_id: int, include_student: bool) -> PrivacyExport:
    """Build and send the export answering an access request, once: asked again, the same
    export (``ExportAlreadyAskedError``). ``include_student``: whether the school agreed to include
    the child's record (a student asking about themself: always)."""
    request = (
        PrivacyRequest.objects.select_for_update(of=("self",))
        .select_related("school", "requester")
        .filter(pk=request_id, kind=Kind.ACCESS)
        .first()
    )
    if request is None or not is_officer(actor, request.school):
        raise PermissionDenied
    already = PrivacyExport.objects.filter(request=request).first()
    # A failed build asked for again is built afresh (the exports' rule); any other, once.
    if already is not None and already.status != PrivacyExport.Status.FAILED:
        raise ExportAlreadyAskedError(already)
    if already is None and request.status != Status.OPEN:
        raise ValidationError(
            _("This request is already closed: nothing more can be done with it.")
        )
    about_themself = request.student is not None and request.student.user_id == request.requester_id
    include = request.student is not None and (bool(include_student) or about_themself)
    export = exports.export_request(actor=actor, request=request, include_student=include)
    return export


# The emails -----------------------------------------------------------------------------

TO_OFFICER = "privacy_request_officer"
TO_REQUESTER = "privacy_request_requester"
RECEIVED = "received"
ANSWERED = "answered"

GONE = gettext_noop("The request no longer exists.")
NO_ADDRESS = gettext_noop("There is no email address to send it to.")
NOT_OFFICER = gettext_noop("They no longer answer the school’s privacy requests.")


def _tell_requester(request: PrivacyRequest, step: str) -> None:
    if request.requester.email:
        outbox.enqueue(
            kind=TO_REQUESTER,
            key=f"privacy_request:{request.pk}:{step}",
            params={"request": request.pk, "step": step},
            school=request.school_id,
        )


def _request(pk: int) -> PrivacyRequest:
    request = (
        PrivacyRequest.objects.select_related("school", "requester", "student")
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise outbox.NotToSendError(GONE)
    return request


@outbox.KINDS.register(TO_OFFICER)
def officer_email(params: dict):
    """To a privacy officer: a request has come in, and when it is due. Nothing of what it
    says: they read that signed in."""
    request = _request(params["request"])
    user = User.objects.filter(pk=params["user"]).first()
    if user is None or not user.email:
        raise outbox.NotToSendError(NO_ADDRESS)
    if not is_officer(user, request.school):
        raise outbox.NotToSendError(NOT_OFFICER)
    with timezone.override(request.school.zone):
        return mail.compose(
            template="partnerships/email/privacy_request_officer",
            to=user.email,
            language=user.preferred_language or settings.LANGUAGE_CODE,
            context={
                "request": request,
                "school": request.school,
                "name": user.name,
                "url": mail.absolute_url(reverse("privacy_request_detail", args=[request.pk])),
            },
        )


@outbox.KINDS.register(TO_REQUESTER)
def requester_email(params: dict):
    """To the person who asked: we have it and will answer by its due date, or our answer."""
    request = _request(params["request"])
    if not request.requester.email:
        raise outbox.NotToSendError(NO_ADDRESS)
    with timezone.override(request.school.zone):
        return mail.compose(
            template=f"partnerships/email/privacy_request_{params['step']}",
            to=request.requester.email,
            language=request.requester.preferred_language or settings.LANGUAGE_CODE,
            context={
                "request": request,
                "school": request.school,
                "name": request.requester.name,
                "url": mail.absolute_url(reverse("privacy_requests")),
            },
        )
