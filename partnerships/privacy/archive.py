"""Building an export's zip on disk: a person's information (a readable document, the same as
a PDF where this machine can make one, the same again as JSON, and their files), or a whole
school's data (a CSV per kind, and the files).

The zip is written to a temporary file a part at a time, files copied in chunks, CSV rows
read in batches: a school of many years' evidence is never held in memory whole.
"""

import csv
import io
import json
import logging
import zipfile
from collections.abc import Iterable
from typing import BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from partnerships import pdf
from partnerships.models import PrivacyExport
from partnerships.privacy.export_mail import language_of
from partnerships.privacy.hooks import PERSON_SECTIONS, SCHOOL_TABLES, Section, Subject, Table
from partnerships.privacy.rows import child_of
from partnerships.spreadsheets import spreadsheet_safe

logger = logging.getLogger(__name__)

COPY_CHUNK = 1024 * 1024
FILES = "files"


def person_sections(subject: Subject) -> list[Section]:
    """Every app's sections about the person, in the registries' order; empty ones left out."""
    sections = []
    for entry in PERSON_SECTIONS:
        sections += [section for section in entry.function(subject) if section.rows]
    return sections


def _copy(zipped: zipfile.ZipFile, name: str, stored) -> bool:
    """Copy a stored file into the zip in chunks. A file gone from storage is left out."""
    try:
        stored.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        logger.warning("an export left out a missing file")
        return False
    try:
        with zipped.open(name, "w", force_zip64=True) as target:
            while chunk := stored.read(COPY_CHUNK):
                target.write(chunk)
    finally:
        stored.close()
    return True


def _in_zip(name: str) -> str:
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".", "..")]
    return "/".join([FILES, *parts])


def write_person(export: PrivacyExport, target: BinaryIO) -> bool:
    """A person's export, in the language they read, into ``target``. Whether it holds a
    child's record (one asked for is left out if the person no longer sees the child)."""
    request = export.request
    subject = Subject(
        school=export.school,
        user=request.requester,
        student=request.student if request.include_student else None,
    )
    language = language_of(request.requester, export.school_id)
    with translation.override(language), timezone.override(export.school.zone):
        sections = person_sections(subject)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zipped:
            shown = []
            for section in sections:
                copied = [
                    _in_zip(name)
                    for name, stored in section.files
                    if _copy(zipped, _in_zip(name), stored)
                ]
                shown.append({"title": section.title, "rows": section.rows, "files": copied})
            context = {
                "school": export.school,
                "person": request.requester,
                "student": child_of(subject),
                "sections": shown,
                "has_files": any(each["files"] for each in shown),
                "received_at": request.received_at,
                "built_at": timezone.now(),
                "language": language,
            }
            html = render_to_string("partnerships/privacy/export_document.html", context)
            zipped.writestr("index.html", html)
            if pdf.pdf_available():
                try:
                    zipped.writestr(
                        "information.pdf", pdf.render_pdf(html, base_url=settings.SITE_URL)
                    )
                except Exception:  # the readable HTML and the JSON are there all the same
                    logger.exception("an export's PDF could not be made")
            information = {
                "school": export.school.name,
                "person": request.requester.name,
                "language": language,
                "built_at": timezone.now().isoformat(),
                "sections": [
                    {"title": str(each["title"]), "rows": each["rows"], "files": each["files"]}
                    for each in shown
                ],
            }
            zipped.writestr(
                "information.json", json.dumps(information, ensure_ascii=False, indent=2)
            )
    return context["student"] is not None


class _Line:
    """What ``csv.writer`` writes to: hands back each line."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: list[str], rows: Iterable[list]):
    """A CSV a line at a time: a byte order mark first (so Excel reads macrons as UTF-8), and
    every cell a spreadsheet would run as a formula shown as text."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow([spreadsheet_safe(cell) for cell in row])


def _write_table(zipped: zipfile.ZipFile, table: Table) -> None:
    with zipped.open(f"{table.name}.csv", "w", force_zip64=True) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        for line in csv_lines(table.header, table.rows):
            text.write(line)
        text.flush()
        text.detach()
    for name, stored in table.files:
        _copy(zipped, _in_zip(f"{table.name}/{name}"), stored)


def write_school(export: PrivacyExport, target: BinaryIO) -> None:
    """Everything the school holds, a CSV per kind with its files, into ``target``."""
    with (
        translation.override(settings.LANGUAGE_CODE),
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zipped,
    ):
        for entry in SCHOOL_TABLES:
            for table in entry.function(export.school):
                _write_table(zipped, table)
