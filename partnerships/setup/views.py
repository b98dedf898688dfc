"""A leader sets their school up from its own pages: its details, its terms, staff who leave or
come back; and anyone on several schools' staff chooses which one their pages are about."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from partnerships.models import School, Staff, Term
from partnerships.roles import CHOSEN_SCHOOL, leader_only, request_roles, staff_only
from partnerships.setup import services
from partnerships.setup.forms import NewTermsFormSet, SchoolForm, SchoolSwitchForm, TermForm
from partnerships.submissions import once_per_form


@leader_only
@require_http_methods(["GET", "POST"])
def school_settings(request):
    """The school's name, time zone, weekly send, languages and rhythms."""
    school = request_roles(request).led_school
    form = SchoolForm.for_school(school, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.school_update(school=school, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("The school’s settings are saved."))
            else:
                messages.info(request, _("Nothing had changed, so nothing was saved."))
            return redirect("school_settings")
    return render(
        request, "partnerships/setup/school_settings.html", {"school": school, "form": form}
    )


def _next_terms(school: School, terms: list[Term]) -> dict:
    """What the new rows are called: this school year's Terms 1 to 4 while it has none, then
    the next year's."""
    this_year = [term for term in terms if term.starts_on.year == school.year]
    if not this_year:
        return {"year": school.year}
    return {"year": max(term.starts_on.year for term in terms) + 1}


def _terms_create(request, school: School, formset) -> int:
    """Each filled row as a term, all or none: a row refused says why, and nothing is added."""
    added = 0
    with transaction.atomic():
        for form in formset:
            if not form.has_changed():
                continue
            try:
                services.term_create(school=school, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                added += 1
        if any(form.errors for form in formset):
            transaction.set_rollback(True)
            return 0
    return added


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def school_terms(request):
    """The school's terms, and rows to add the next ones (a year's four at once)."""
    school = request_roles(request).led_school
    terms = list(Term.objects.filter(school=school).order_by("starts_on"))
    formset = NewTermsFormSet(request.POST or None, prefix="term", **_next_terms(school, terms))
    if request.method == "POST" and formset.is_valid():
        added = _terms_create(request, school, formset)
        if added:
            messages.success(
                request,
                ngettext("One term added.", "%(n)s terms added.", added) % {"n": added},
            )
            return redirect("school_terms")
    return render(
        request,
        "partnerships/setup/school_terms.html",
        {"school": school, "terms": terms, "formset": formset},
    )


def _term(request, pk: int) -> Term:
    """A term of the school the leader is working in; any other is no page at all."""
    return get_object_or_404(Term, pk=pk, school=request_roles(request).led_school)


@leader_only
@require_http_methods(["GET", "POST"])
def term_edit(request, pk: int):
    term = _term(request, pk)
    form = TermForm(
        request.POST or None,
        initial={"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.term_update(term=term, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(term)s is saved.") % {"term": term.name})
            return redirect("school_terms")
    return render(request, "partnerships/setup/term_edit.html", {"term": term, "form": form})


@login_required
@require_POST
@leader_only
def term_delete(request, pk: int):
    term = _term(request, pk)
    services.term_delete(term=term, by=request.user)
    messages.success(request, _("%(term)s is removed.") % {"term": term.name})
    return redirect("school_terms")


@login_required
@require_POST
@staff_only
def school_switch(request):
    """Which of their schools a person's pages are about, kept for this sign-in."""
    roles = request_roles(request)
    form = SchoolSwitchForm(request.POST, schools=roles.staff_schools)
    if form.is_valid():
        school = roles.schools[form.cleaned_data["school"]]
        request.session[CHOSEN_SCHOOL] = school.pk
        messages.success(request, _("You are now working in %(school)s.") % {"school": school.name})
    else:
        messages.error(request, _("That school is not one you work in. Nothing was changed."))
    return redirect("home")


def _staff_member(request, pk: int) -> Staff:
    """One of the school's staff, or one who left, in the school the leader is working in;
    anyone else's is no page at all."""
    return get_object_or_404(
        Staff.everyone.select_related("user"), pk=pk, school=request_roles(request).led_school
    )


@login_required
@require_POST
@leader_only
def staff_leave(request, pk: int):
    staff = _staff_member(request, pk)
    notes = []
    try:
        left = services.staff_leave(staff=staff, by=request.user, notes=notes)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if left:
            messages.success(
                request,
                _(
                    "%(name)s has left the staff and is off their classes here. "
                    "What they wrote stays, in their name."
                )
                % {"name": staff.user.name},
            )
            for note in notes:
                messages.warning(request, note)
        else:  # a second click, or another leader was first
            messages.info(request, _("%(name)s had already left.") % {"name": staff.user.name})
    return redirect("school_staff")


@login_required
@require_POST
@leader_only
def staff_restore(request, pk: int):
    staff = _staff_member(request, pk)
    if services.staff_restore(staff=staff, by=request.user):
        messages.success(
            request,
            _(
                "%(name)s is back on the staff and can sign in again. Their classes were not "
                "given back: add them to their classes again."
            )
            % {"name": staff.user.name},
        )
    else:
        messages.info(request, _("%(name)s is on the staff already.") % {"name": staff.user.name})
    return redirect("school_staff")
