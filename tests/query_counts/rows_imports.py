"""The imports pages' queries: each the same however many imports, saved columns, row errors
or changes the page lists (a preview keeps its errors and changes in the import's row)."""

from django.urls import reverse

from partnerships.models import ImportJob
from tests.access.rows_imports import change, counts, import_job, import_preset, row_error
from tests.query_counts.pages import SIGNED_IN, Page
from tests.query_counts.scene import MORE

Status = ImportJob.Status
JOB = "the import, if it is of a school I lead"
PRESETS = "the school's saved columns"


def _job(scene, status=Status.CHECKED) -> ImportJob:
    made = scene.__dict__.setdefault("import_jobs", {})
    if status not in made:
        made[status] = import_job(scene.world.school, scene.world.leader, status)
    return made[status]


def _more_imports(scene) -> list[str]:
    """More imports and saved columns: each listed by its name."""
    names = []
    for n in range(MORE):
        job = import_job(
            scene.world.school,
            scene.world.teacher,
            Status.DONE,
            filename=f"export-{n}.csv",
            result={"counts": counts(new=n + 40)},
        )
        preset = import_preset(scene.world.school, name=f"Export {n}")
        names += [job.filename, preset.name, f"Students: {n + 40} new"]
    return names


def _findings(scene, how_many: int) -> list[str]:
    """Row errors and changes added to the preview: each row shown by its value or name."""
    job = _job(scene)
    shown = []
    for n in range(len(job.preview["errors"]), len(job.preview["errors"]) + how_many):
        value = f"kid{n}@example"
        job.preview["errors"].append(row_error(10 + n, blocking=False, value=value))
        name = f"Rangi Tane{n}"
        job.preview["changes"].append(change(20 + n, name))
        shown += [value, name]
    job.save(update_fields=["preview"])
    return shown


def _with_a_preset(scene):
    import_preset(scene.world.school, name="KAMAR export")


PAGES = [
    Page(
        "import_start",
        "leader",
        lambda s: reverse("import_start"),
        (
            *SIGNED_IN,
            PRESETS,
            "the school's last 20 imports, with who uploaded each",
        ),
        given=lambda s: (_job(s), _with_a_preset(s)),
        more=_more_imports,
    ),
    Page(
        "import_map",
        "leader",
        lambda s: reverse("import_map", args=[_job(s, Status.MAPPING).pk]),
        (*SIGNED_IN, JOB, PRESETS),
        given=_with_a_preset,
        more=lambda s: [
            import_preset(s.world.school, name=f"Export {n}").name for n in range(MORE)
        ],
    ),
    Page(
        "import_preview",
        "leader",
        lambda s: reverse("import_preview", args=[_job(s).pk]),
        (*SIGNED_IN, JOB),
        given=lambda s: _findings(s, 1),
        more=lambda s: _findings(s, MORE),
    ),
]
# URL names with no GET page, each with what its POST does.
POST_ONLY: dict[str, str] = {
    "import_confirm": "starts an import the leader has checked",
    "import_discard": "lets an import go before it starts",
    "import_resume": "carries on with an import that stopped",
    "import_preset_delete": "forgets a school's saved columns",
}
