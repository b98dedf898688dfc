"""A leader's import pages: upload a file, say which column holds what, read the preview,
confirm; and the progress of a check or an import under way.

Every page is a leader's, about the schools they lead: anyone else gets a 404, and so does
another school's import. The work itself is the services' (``partnerships.imports.services``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models.fields.json import KT
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from partnerships.access import import_presets_led_by, imports_led_by
from partnerships.imports import services
from partnerships.imports.applying import failure_text
from partnerships.imports.forms import ConfirmForm, MappingForm, UploadForm, column_examples
from partnerships.imports.values import describe
from partnerships.models import Classroom, ImportJob, ImportPreset
from partnerships.roles import leader_only, request_roles
from partnerships.submissions import once_per_form

RECENT = 20  # imports listed on the start page
ERRORS_SHOWN = 500  # row errors listed in the preview; a leader fixes these first
Status = ImportJob.Status
UNDER_WAY = (Status.CHECKING, Status.IMPORTING)
# A job whose columns may be chosen (again): read, or checked and not yet confirmed.
MAPPABLE = (Status.MAPPING, Status.CHECKED)


# What a page about an import does not read: the file's rows are read by the columns page
# only, and a progress bar asking each second needs neither the preview nor the result.
FILE = ("headers", "rows")
FINDINGS = ("preview", "result")


def _job(request, pk: int, *deferred: str) -> ImportJob:
    """One of the imports of the schools this leader leads; another school's is a 404."""
    return get_object_or_404(imports_led_by(request.user).defer(*deferred), pk=pk)


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def import_start(request):
    """The upload form, the school's saved column sets, and its recent imports."""
    school = request_roles(request).led_school
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_upload(
                school=school,
                by=request.user,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except services.ImportRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("import_map", pk=job.pk)
    # The file's rows and the preview can be large: only what the list shows is read.
    recent = (
        ImportJob.objects.filter(school=school)
        .select_related("created_by")
        .only(
            "filename",
            "status",
            "created_at",
            "finished_at",
            "progress_total",
            "created_by__name",
            "created_by__email",
        )
        # What each did, from its result: not the whole result, which lists rows left out.
        .annotate(
            new_students=KT("result__counts__students__new"),
            changed_students=KT("result__counts__students__changed"),
            new_whanau=KT("result__counts__whanau__new"),
        )
        .order_by("-created_at", "-pk")[:RECENT]
    )
    return render(
        request,
        "partnerships/imports/start.html",
        {
            "school": school,
            "form": form,
            "recent": recent,
            "presets": ImportPreset.objects.filter(school=school).only("name", "updated_at"),
            "max_rows": services.MAX_ROWS,
        },
    )


def _preset_applied(request, job, form_initial: dict) -> tuple[ImportPreset | None, list[str]]:
    """The saved column set asked for (``?preset=``), if it is this school's: its columns
    that this file has fill the form; those it has not are named, to be chosen again."""
    wanted = request.GET.get("preset", "")
    # Plain 0-9 only: str.isdigit() also takes “²”, which int() refuses.
    if not (wanted.isascii() and wanted.isdigit()):
        return None, []
    preset = ImportPreset.objects.filter(school_id=job.school_id, pk=int(wanted)).first()
    if preset is None:
        return None, []
    headers = set(job.headers)
    missing = []
    for field, header in preset.mapping.items():
        if not isinstance(header, str) or not header:
            continue
        if header in headers:
            form_initial[field] = header
        else:
            form_initial[field] = ""
            missing.append(header)
    return preset, missing


@leader_only
@require_http_methods(["GET", "POST"])
@once_per_form
def import_map(request, pk: int):
    """Which column of the file holds each detail; the file's first rows show what each
    column holds."""
    job = _job(request, pk)
    if job.status not in MAPPABLE:
        return redirect("import_preview", pk=job.pk)
    kind = services.kind_of(job)
    examples = column_examples(job.headers, job.rows)
    initial = {field: header for field, header in job.mapping.items() if header in job.headers}
    preset, missing = (
        (None, []) if request.method == "POST" else _preset_applied(request, job, initial)
    )
    form = MappingForm(
        request.POST or None, kind=kind, headers=job.headers, examples=examples, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(
                job=job,
                by=request.user,
                mapping=form.mapping(),
                preset_name=form.cleaned_data["preset_name"].strip(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect("import_preview", pk=job.pk)
    return render(
        request,
        "partnerships/imports/map.html",
        {
            "job": job,
            "form": form,
            "examples": examples,
            "presets": ImportPreset.objects.filter(school_id=job.school_id).only("name"),
            "preset": preset,
            "preset_missing": missing,
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _errors_shown(preview: dict) -> list[dict]:
    """The preview's row errors, those that block the import first, each in plain words."""
    errors = [error for error in preview.get("errors", []) if isinstance(error, dict)]
    errors.sort(key=lambda error: (not error.get("blocking"), error.get("row") or 0))
    return [_shown(error) for error in errors[:ERRORS_SHOWN]]


def _shown(error) -> dict:
    if not isinstance(error, dict):
        return {"text": str(error)}
    return {**error, "text": describe(error) if "message" in error else ""}


def _words(entry) -> str:
    """A stored message (see ``values.describe``) or plain text, in the reader's language."""
    return describe(entry) if isinstance(entry, dict) else str(entry)


KIND_LABELS = {
    "student": gettext_lazy("student"),
    "whanau": gettext_lazy("whānau"),
    "class": gettext_lazy("class"),
}


def _changes_shown(preview: dict) -> list[dict]:
    return [
        {
            **change,
            "kind_label": KIND_LABELS.get(change.get("kind"), ""),
            "details": [_words(detail) for detail in change.get("details") or []],
        }
        for change in preview.get("changes", [])
        if isinstance(change, dict)
    ]


def _classes_imported(job: ImportJob) -> list[Classroom]:
    """The classes the file named, for links to their pages once the import is done."""
    names = {
        change.get("name")
        for change in job.preview.get("changes", [])
        if isinstance(change, dict) and change.get("kind") == "class"
    }
    names = {name for name in names if isinstance(name, str)}
    if not names:
        return []
    return list(
        Classroom.objects.filter(school_id=job.school_id, name__in=names)
        .only("name")
        .order_by("name")
    )


@require_safe
@leader_only
def import_preview(request, pk: int):
    """What the import will do (the check's preview), or how far it has gone, or what it did.

    While a check or an import is under way, htmx asks for the progress again each second;
    once it has finished, the page reloads to show what came of it."""
    job = _job(request, pk, *FILE, *(FINDINGS if request.htmx else ()))
    if job.status == Status.MAPPING:
        return redirect("import_map", pk=job.pk)
    under_way = job.status in UNDER_WAY
    if request.htmx and not under_way:
        return HttpResponseClientRefresh()
    context = {"job": job, "under_way": under_way}
    if under_way:
        template = "partnerships/imports/preview.html"
        if request.htmx:
            template += "#progress"
        return render(request, template, context)
    preview = job.preview if isinstance(job.preview, dict) else {}
    errors = _errors_shown(preview)
    blocking = preview.get("blocking") or sum(1 for error in errors if error.get("blocking"))
    result = job.result if isinstance(job.result, dict) else {}
    done = job.status == Status.DONE
    counts = result.get("counts", {}) if done else preview.get("counts", {})
    context |= {
        # Once imported, what was done; before, what the check says will be.
        "counts": counts,
        "nothing_new": not any(
            kind.get("new") or kind.get("changed") for kind in counts.values() if type(kind) is dict
        ),
        "skipped": [_shown(error) for error in result.get("skipped", [])] if done else [],
        "skipped_count": result.get("skipped_count", 0),
        "errors": errors,
        "error_total": max(preview.get("error_count") or 0, len(errors)),
        "errors_left_out": max((preview.get("error_count") or 0) - len(errors), 0),
        "blocking": blocking,
        "changes": _changes_shown(preview),
        "notes": [_words(note) for note in preview.get("notes", [])],
        "confirm_form": ConfirmForm(),
        "confirmed": "invite" in job.options,
        "failure": failure_text(job),
        "classes": _classes_imported(job) if done else [],
    }
    return render(request, "partnerships/imports/preview.html", context)


@login_required
@require_POST
@leader_only
def import_confirm(request, pk: int):
    """Go ahead: the import starts in the background. A second press, or a second tab,
    starts nothing more."""
    job = _job(request, pk, *FILE, *FINDINGS)
    form = ConfirmForm(request.POST)
    invite = form.is_valid() and form.cleaned_data["invite"]
    try:
        started = services.import_confirm(job=job, by=request.user, invite=invite)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        if started:
            messages.success(request, _("The import has started."))
        else:
            messages.info(request, _("This import has already started."))
    return redirect("import_preview", pk=job.pk)


@login_required
@require_POST
@leader_only
@once_per_form
def import_discard(request, pk: int):
    """Let an import go before it is confirmed: nothing of the file is kept."""
    job = _job(request, pk, *FILE, *FINDINGS)
    try:
        services.import_discard(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
        return redirect("import_preview", pk=job.pk)
    messages.success(request, _("The import was discarded. Nothing was changed."))
    return redirect("import_start")


@login_required
@require_POST
@leader_only
def import_resume(request, pk: int):
    """Finish an import that stopped part-way: it carries on from where it stopped."""
    job = _job(request, pk, *FILE, *FINDINGS)
    if job.status in (Status.IMPORTING, Status.DONE):
        messages.info(request, _("This import has already started again."))
        return redirect("import_preview", pk=job.pk)
    try:
        services.import_resume(job=job, by=request.user)
    except ValidationError as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("The import is carrying on from where it stopped."))
    return redirect("import_preview", pk=job.pk)


@login_required
@require_POST
@leader_only
@once_per_form
def import_preset_delete(request, pk: int):
    """Forget a saved set of columns."""
    preset = get_object_or_404(import_presets_led_by(request.user), pk=pk)
    services.import_preset_delete(preset=preset, by=request.user)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": preset.name})
    return redirect("import_start")
