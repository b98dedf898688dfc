"""Files for the import tests, built in the test: CSV text in an encoding, or a workbook."""

import io
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

SAMPLE = Path(settings.BASE_DIR) / "static" / "samples" / "mahi-tahi-sample-room-7.csv"

STUDENT_HEADERS = [
    "NSN",
    "Student ID",
    "First Name",
    "Last Name",
    "Year Level",
    "Room",
    "Teacher Email",
    "Date of Birth",
    "Caregiver 1 Name",
    "Caregiver 1 Email",
    "Caregiver 1 Phone",
    "Caregiver 1 Relationship",
    "Caregiver 1 No Contact",
]


def student_row(n: int, **values) -> list[str]:
    """A valid row of STUDENT_HEADERS for student ``n``; ``values`` replace cells by header."""
    row = {
        "NSN": str(1000000000 + n),
        "Student ID": f"S{n:04d}",
        "First Name": f"Tama{n}",
        "Last Name": "Ngata",
        "Year Level": "Year 5",
        "Room": "Kauri",
        "Teacher Email": "",
        "Date of Birth": "4/03/2016",
        "Caregiver 1 Name": f"Mere Ngata {n}",
        "Caregiver 1 Email": f"mere{n}@example.com",
        "Caregiver 1 Phone": "021 555 0101",
        "Caregiver 1 Relationship": "Mum",
        "Caregiver 1 No Contact": "",
    }
    row.update(values)
    return [row[header] for header in STUDENT_HEADERS]


def csv_text(headers: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    lines = [headers, *rows]
    return "\r\n".join(delimiter.join(_quoted(cell, delimiter) for cell in line) for line in lines)


def _quoted(cell: str, delimiter: str) -> str:
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_upload(text: str, *, encoding: str = "utf-8", name: str = "export.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def workbook_upload(rows: list[list], *, merge: str = "", name: str = "export.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def sample_upload():
    return SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes(), content_type="text/csv")
