"""A class's sign-in cards (issued together, printed as one PDF) and its list and contacts
as CSV, with the same for a leader's whole school."""

import io
import logging

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, FilteredRelation, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from partnerships import audit, pdf
from partnerships.access import classes_visible_to, students_managed_by
from partnerships.classes import exports
from partnerships.classes.services import class_cards_issue
from partnerships.languages import own_names
from partnerships.models import Classroom, School, SignInCard, Student
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

logger = logging.getLogger(__name__)

# Two across and five down on A4: cards of 97 × 55 mm, a little wider than a bank card.
CARDS_PER_ROW = 2
ROWS_PER_SHEET = 5


class ClassCardsForm(forms.Form):
    ISSUE_MISSING = "issue_missing"
    REISSUE = "reissue"

    action = forms.ChoiceField(
        choices=[
            (ISSUE_MISSING, gettext_lazy("Issue cards to students without one")),
            (REISSUE, gettext_lazy("Issue new cards to the students chosen")),
        ],
        error_messages={
            "required": gettext_lazy("Choose what to do with the cards."),
            "invalid_choice": gettext_lazy("Choose what to do with the cards."),
        },
    )
    students = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "A student you chose is no longer in this class. Choose again from the list."
            ),
            "invalid_list": gettext_lazy("Choose again from the list of students."),
        },
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, students: list[Student], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = [(student.pk, student.full_name) for student in students]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.REISSUE:
            if not data.get("students"):
                self.add_error(
                    "students", _("Choose the students who need a new card, then try again.")
                )
            elif not data.get("confirm"):
                self.add_error(
                    "confirm",
                    _("Tick the box to say you know their old printed cards will stop working."),
                )
        return data


def _classroom(request, pk: int) -> Classroom:
    return get_object_or_404(classes_visible_to(request.user).select_related("school"), pk=pk)


def _students(user, classroom: Classroom) -> list[Student]:
    """The class's current students this person manages, in class order, each with their
    working card's details (``card_pk``… ``None`` for no card): one query, the card joined."""
    return list(
        students_managed_by(user)
        .current()
        .filter(classroom=classroom)
        .annotate(
            card=FilteredRelation("sign_in_cards", condition=Q(sign_in_cards__revoked_at=None))
        )
        .annotate(
            card_pk=F("card__pk"),
            card_code=F("card__code"),
            card_key=F("card__qr_key"),
            card_since=F("card__issued_at"),
        )
        .in_class_order()
    )


def _languages(school: School) -> list[tuple[str, str]]:
    """The languages the school offers that we can print in, as (code, name)."""
    codes = school.languages if isinstance(school.languages, list) else []
    names = dict(own_names())
    return [(code, names[code]) for code in codes if isinstance(code, str) and code in names]


def card_language(school: School, asked) -> str:
    """``asked`` if the school offers it, otherwise the school's first language."""
    offered = [code for code, _name in _languages(school)]
    if asked in offered:
        return asked
    return offered[0] if offered else settings.LANGUAGE_CODE


@login_required
@require_http_methods(["GET", "POST"])
@once_per_form
def class_cards(request, pk: int):
    """Who in the class has a working sign-in card; issuing the missing ones, and new cards
    for students who lost theirs."""
    classroom = _classroom(request, pk)
    students = _students(request.user, classroom)
    form = ClassCardsForm(request.POST or None, students=students)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == form.REISSUE:
            cards = class_cards_issue(
                classroom=classroom,
                by=request.user,
                student_ids=form.cleaned_data["students"],
                reissue=True,
            )
            names = ", ".join(card.student.full_name for card in cards)
            messages.success(
                request,
                _("New cards for %(names)s. Their old printed cards no longer work.")
                % {"names": names},
            )
        else:
            cards = class_cards_issue(classroom=classroom, by=request.user)
            if cards:
                messages.success(
                    request,
                    ngettext(
                        "Issued %(count)s new card, ready to print.",
                        "Issued %(count)s new cards, ready to print.",
                        len(cards),
                    )
                    % {"count": len(cards)},
                )
            else:
                messages.info(request, _("Every student in the class already has a card."))
        return redirect("class_cards", pk=classroom.pk)
    if students:
        listed = Student.objects.filter(pk__in=[student.pk for student in students])
        audit.viewed(request, student=listed, obj=classroom, what=_("Sign-in cards"))
    return render(
        request,
        "partnerships/classes/cards.html",
        {
            "classroom": classroom,
            "students": students,
            "form": form,
            "missing": [student for student in students if student.card_pk is None],
            "languages": _languages(classroom.school),
        },
    )


def _card(request, student: Student, classroom: Classroom) -> dict:
    card = SignInCard(code=student.card_code, qr_key=student.card_key)
    qr = segno.make(request.build_absolute_uri(card.qr_path), error="m")
    name = f"{student.display_name} {student.last_name}"
    return {
        "name": name,
        # A long name in a smaller size, so that it keeps to its place beside the QR code.
        "name_length": "" if len(name) <= 22 else "long" if len(name) <= 34 else "longer",
        "class_name": classroom.name,
        "code": card.display_code,
        # segno's own markup of the code's modules: nothing of ours is in it but the address.
        "qr": mark_safe(qr.svg_inline(omitsize=True, border=0)),  # noqa: S308
    }


def _sheets(cards: list[dict]) -> list[list[list[dict]]]:
    """The cards as A4 sheets of rows: each sheet prints on a page of its own."""
    per_sheet = CARDS_PER_ROW * ROWS_PER_SHEET
    return [
        [sheet[row : row + CARDS_PER_ROW] for row in range(0, len(sheet), CARDS_PER_ROW)]
        for sheet in (cards[at : at + per_sheet] for at in range(0, len(cards), per_sheet))
    ]


@require_safe
@login_required
def class_cards_pdf(request, pk: int):
    """Every working card of the class on A4 sheets to print and cut, in the school's
    language (``?lang=`` another it offers). Students without a card are named at the foot
    of the first page."""
    classroom = _classroom(request, pk)
    students = _students(request.user, classroom)
    with_card = [student for student in students if student.card_pk is not None]
    if not with_card:
        messages.info(request, _("Nobody in this class has a card yet: issue them first."))
        return redirect("class_cards", pk=classroom.pk)
    if not pdf.pdf_available():
        messages.error(
            request,
            _("Cards can’t be made into a PDF on this server. Print each from its student’s page."),
        )
        return redirect("class_cards", pk=classroom.pk)
    site = request.get_host() + reverse("card_sign_in")
    with translation.override(card_language(classroom.school, request.GET.get("lang"))):
        context = {
            "classroom": classroom,
            "school": classroom.school,
            "site": site,
            "sheets": _sheets([_card(request, student, classroom) for student in with_card]),
            "missing": [student for student in students if student.card_pk is None],
        }
        html = render_to_string("partnerships/classes/cards_pdf.html", context)
    try:
        document = pdf.render_pdf(html, base_url=request.build_absolute_uri("/"))
    except Exception:  # the cards page still works: each card prints from its student's page
        logger.exception("could not make the sign-in cards PDF of class %s", classroom.pk)
        messages.error(request, _("The cards could not be made into a PDF just now."))
        return redirect("class_cards", pk=classroom.pk)
    printed = Student.objects.filter(pk__in=[student.pk for student in with_card])
    audit.viewed(request, student=printed, what=_("Sign-in card, printed with the class"))
    response = FileResponse(
        io.BytesIO(document),
        filename=f"{slugify(classroom.name) or 'class'}-sign-in-cards.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def class_export(request, pk: int):
    """The class list with each student's whānau contacts, as CSV for a spreadsheet."""
    classroom = _classroom(request, pk)
    students = students_managed_by(request.user).current().filter(classroom=classroom)
    audit.viewed(
        request, student=students, obj=classroom, what=_("Class list and contacts, exported")
    )
    return exports.csv_response(
        students,
        filename=exports.export_filename(
            classroom.name, what=_("class list"), zone=classroom.school.zone
        ),
    )


@require_safe
@leader_only
def school_export(request):
    """Every current student of the leader's school with their whānau contacts, as CSV."""
    school = request_roles(request).led_school
    students = students_managed_by(request.user).current().filter(school=school)
    audit.viewed(
        request, student=students, obj=school, what=_("School list and contacts, exported")
    )
    return exports.csv_response(
        students,
        filename=exports.export_filename(school.name, what=_("student list"), zone=school.zone),
    )
