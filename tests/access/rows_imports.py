"""Rows for the imports pages: a leader's, for the schools they lead. Everyone else gets a
404, and so does a leader of another school for this school's import.

The imports here are made straight in the database, in the state each page needs (also
used by the query counts, the hostile input and the page tests); the page tests run the
engine itself."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships.models import ImportJob, ImportPreset
from tests.access.outcomes import (
    ANY_LEADER,
    GET_ONLY,
    PAGE,
    POST_ONLY,
    SAVED,
    Row,
    only,
)

Status = ImportJob.Status
HEADERS = ["NSN", "Legal First Name", "Legal Last Name", "Year Level", "Room"]
ROWS_READ = [
    ["0123456781", "Aroha", "Ngata", "5", "Room 7"],
    ["0123456782", "Tama", "Walker", "5", "Room 7"],
]
MAPPING = {
    "nsn": "NSN",
    "first_name": "Legal First Name",
    "last_name": "Legal Last Name",
    "year_level": "Year Level",
    "classroom": "Room",
}
CSV = "\n".join(",".join(row) for row in [HEADERS, *ROWS_READ]) + "\n"


def counts(new: int = 2) -> dict:
    return {
        "students": {"new": new, "changed": 0, "unchanged": 0},
        "classes": {"new": 1},
        "whanau": {"new": 0, "changed": 0, "unchanged": 0},
        "links": {"new": 0, "changed": 0},
        "invitations": 0,
        "rows": new,
    }


def row_error(row: int, *, blocking: bool = True, value: str = "aroha@example") -> dict:
    return {
        "row": row,
        "column": "Caregiver 1 Email",
        "value": value,
        "message": "This is not an email address.",
        "params": {},
        "blocking": blocking,
    }


def change(row: int, name: str) -> dict:
    return {
        "row": row,
        "kind": "student",
        "name": name,
        "action": "new",
        "details": [{"message": "Year level: %(value)s", "params": {"value": "5"}}],
    }


def import_job(school, by, status=Status.MAPPING, **fields) -> ImportJob:
    """An import of the two-row file above, in the given state."""
    checked = status != Status.MAPPING
    values = {
        "school": school,
        "created_by": by,
        "filename": "room-7.csv",
        "size": len(CSV),
        "status": status,
        "headers": HEADERS,
        "rows": ROWS_READ,
        "mapping": MAPPING,
        "options": {"kind": "students"},
        "progress_total": len(ROWS_READ) if checked else 0,
        "preview": (
            {
                "counts": counts(),
                "errors": [],
                "changes": [change(2, "Aroha Ngata"), change(3, "Tama Walker")],
                "notes": [],
                "blocking": 0,
            }
            if checked
            else {}
        ),
    }
    return ImportJob.objects.create(**(values | fields))


def import_preset(school, name: str = "KAMAR export") -> ImportPreset:
    return ImportPreset.objects.create(school=school, name=name, mapping=MAPPING)


class Upload(SimpleUploadedFile):
    """A file the test client can send more than once: each send reads it from its start."""

    def read(self, size=-1):
        if size is None or size < 0:
            self.seek(0)
        return super().read(size)


def upload(text: str = CSV, name: str = "room-7.csv") -> Upload:
    return Upload(name, text.encode(), content_type="text/csv")


def _job(things, status) -> ImportJob:
    """The world school's import in this state, made once per test."""
    made = things.__dict__.setdefault("import_jobs", {})
    if status not in made:
        made[status] = import_job(things.world.school, things.world.leader, status)
    return made[status]


def school_preset(things) -> ImportPreset:
    """The world school's saved columns, made once per test."""
    if "import_preset" not in things.__dict__:
        things.import_preset = import_preset(things.world.school)
    return things.import_preset


def _at(name: str, status):
    return lambda t: reverse(name, args=[_job(t, status).pk])


# The columns of the two-row file, as the mapping form posts them.
MAPPING_BODY = MAPPING | {"preset_name": "Our export"}
LEADER = ("leader",)  # this school's imports: another school's leader gets a 404

ROWS = {
    # Each leader uploads to their own school.
    "import_start": Row(
        url=lambda t: reverse("import_start"),
        get=only(ANY_LEADER, PAGE),
        post=only(ANY_LEADER, SAVED),
        data=lambda t: {"kind": "students", "file": upload()},
    ),
    "import_map": Row(
        url=_at("import_map", Status.MAPPING),
        get=only(LEADER, PAGE),
        post=only(LEADER, SAVED),
        data=lambda t: MAPPING_BODY,
    ),
    "import_preview": Row(
        url=_at("import_preview", Status.CHECKED),
        get=only(LEADER, PAGE),
        post=GET_ONLY,
    ),
    "import_confirm": Row(
        url=_at("import_confirm", Status.CHECKED),
        get=POST_ONLY,
        post=only(LEADER, SAVED),
        data=lambda t: {"invite": "on"},
    ),
    "import_discard": Row(
        url=_at("import_discard", Status.CHECKED),
        get=POST_ONLY,
        post=only(LEADER, SAVED),
    ),
    "import_resume": Row(
        url=_at("import_resume", Status.FAILED),
        get=POST_ONLY,
        post=only(LEADER, SAVED),
    ),
    "import_preset_delete": Row(
        url=lambda t: reverse("import_preset_delete", args=[school_preset(t).pk]),
        get=POST_ONLY,
        post=only(LEADER, SAVED),
    ),
}
