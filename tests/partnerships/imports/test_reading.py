"""Reading an uploaded file: encodings, separators, workbooks, and the files refused."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from partnerships.imports import reading, services
from partnerships.imports.reading import MAX_BYTES, MAX_ROWS, ImportRefused, read_upload
from partnerships.imports.values import describe
from partnerships.models import ImportJob
from tests.partnerships.imports import files

pytestmark = pytest.mark.django_db


def _notes(job) -> list[str]:
    return [describe(note) for note in job.options["notes"]]


def _upload(world, upload, kind="students"):
    return services.import_upload(school=world.school, by=world.leader, upload=upload, kind=kind)


def test_windows_1252_file_is_read_with_its_accents_and_a_note(world):
    """A file saved by older Excel keeps its accented names, and the preview says how it was
    read."""
    text = files.csv_text(files.STUDENT_HEADERS, [files.student_row(1, **{"First Name": "Zoë"})])
    text = text.replace("Ngata", "Müller-Pérez")
    job = _upload(world, files.csv_upload(text, encoding="cp1252"))
    assert job.rows[0][2] == "Zoë"
    assert job.rows[0][3] == "Müller-Pérez"
    assert any("Windows-1252" in note for note in _notes(job))


def test_utf8_with_bom_reads_the_first_heading_cleanly(world):
    """Excel's “CSV UTF-8” starts with a byte order mark: the first heading is still “NSN”
    and macrons survive."""
    text = files.csv_text(files.STUDENT_HEADERS, [files.student_row(1, **{"First Name": "Rāwiri"})])
    job = _upload(world, files.csv_upload(text, encoding="utf-8-sig"))
    assert job.headers[0] == "NSN"
    assert job.mapping["nsn"] == "NSN"
    assert job.rows[0][2] == "Rāwiri"
    assert _notes(job) == ["Read as UTF-8."]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolons_and_tabs_separate_columns_too(world, delimiter):
    """A file from a system set to semicolons or tabs is split into the same columns."""
    text = files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)], delimiter=delimiter)
    job = _upload(world, files.csv_upload(text))
    assert job.headers == files.STUDENT_HEADERS


def test_workbook_with_a_merged_title_row_finds_the_headings_below(world):
    """A spreadsheet with a merged title across the top: the headings on row 2 are found and
    the preview says so."""
    rows = [["Room 12 class list, 2026"], files.STUDENT_HEADERS, files.student_row(1)]
    job = _upload(world, files.workbook_upload(rows, merge="A1:M1"))
    assert job.header_row == 2
    assert job.headers == files.STUDENT_HEADERS
    assert job.rows[0][0] == "1000000001"
    assert "The headings are on row 2." in _notes(job)
    assert job.mapping["first_name"] == "First Name"


def test_workbook_with_group_headings_over_the_columns(world):
    """“Caregiver 1” merged over “Name” and “Email” reads as “Caregiver 1 Name” and
    “Caregiver 1 Email”."""
    top = ["", "", "", "", "Caregiver 1", ""]
    headings = ["NSN", "First name", "Surname", "Year", "Name", "Email"]
    row = ["1000000001", "Tama", "Ngata", "5", "Mere Ngata", "mere@example.com"]
    job = _upload(world, files.workbook_upload([top, headings, row], merge="E1:F1"))
    assert job.headers[4:] == ["Caregiver 1 Name", "Caregiver 1 Email"]
    assert job.mapping["caregiver1_email"] == "Caregiver 1 Email"


def test_workbook_cells_are_kept_as_typed(world):
    """Numbers stay whole, dates become ISO dates, and a formula stays visible as a formula."""
    rows = [
        ["NSN", "First Name", "Last Name", "Year", "Date of Birth"],
        # A spreadsheet's dates have no time zone.
        [1000000001, "Tama", '=HYPERLINK("http://x")', 5, datetime.datetime(2016, 3, 4)],  # noqa: DTZ001
    ]
    job = _upload(world, files.workbook_upload(rows))
    assert job.rows[0] == ["1000000001", "Tama", '=HYPERLINK("http://x")', "5", "2016-03-04"]


class _HugeUpload:
    """A 50 MB upload that must never be read."""

    name = "everyone.csv"
    size = 50 * 1024 * 1024

    def read(self, *args):
        raise AssertionError("read a file over the limit")

    def chunks(self, *args):
        raise AssertionError("read a file over the limit")


def test_a_50_mb_file_is_refused_before_it_is_read(world):
    """A file over the limit is refused from its size alone, saying its size and the limit,
    and nothing is kept."""
    with pytest.raises(ImportRefused) as refused:
        _upload(world, _HugeUpload())
    assert "50.0\xa0MB" in refused.value.message
    assert "10.0\xa0MB" in refused.value.message
    assert not ImportJob.objects.filter(school=world.school).exists()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (SimpleUploadedFile("empty.csv", b""), "empty"),
        (SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100), "Save As"),
        (SimpleUploadedFile("broken.xlsx", b"PK\x03\x04not really a workbook"), "damaged"),
        (files.csv_upload("1000000001,Tama,Ngata,5\n1000000002,Mere,Ngata,6\n"), "headings"),
        (files.csv_upload("NSN,First name,Last name\n\n\n"), "no rows"),
    ],
    ids=["empty", "old-excel", "damaged-workbook", "no-headings", "headings-only"],
)
def test_files_that_cannot_be_imported_say_why(world, upload, words):
    """An empty, foreign, damaged or heading-less file is refused in plain words, and no
    import is kept."""
    with pytest.raises(ImportRefused) as refused:
        _upload(world, upload)
    assert words in refused.value.message
    assert not ImportJob.objects.filter(school=world.school).exists()


def test_too_many_rows_are_refused(world):
    """More rows than an import takes at once: refused, with the limit and what to do."""
    rows = [files.student_row(n) for n in range(MAX_ROWS + 1)]
    upload = files.csv_upload(files.csv_text(files.STUDENT_HEADERS, rows))
    with pytest.raises(ImportRefused) as refused:
        read_upload(upload, kind="students")
    assert f"{MAX_ROWS:,}" in refused.value.message


def test_an_upload_remembers_the_schools_last_columns(world, django_capture_on_commit_callbacks):
    """The columns a school chose last time are chosen again for a file with those
    headings, where a guess would not find them."""
    headers = ["Ident", "Given", "Family", "Lvl"]
    text = files.csv_text(headers, [["1000000001", "Tama", "Ngata", "5"]])
    first = _upload(world, files.csv_upload(text))
    mapping = {"nsn": "Ident", "first_name": "Given", "last_name": "Family", "year_level": "Lvl"}
    with django_capture_on_commit_callbacks(execute=True):
        services.import_map(job=first, by=world.leader, mapping=mapping)
    second = _upload(world, files.csv_upload(text))
    assert second.mapping == mapping


def test_excels_unicode_text_is_read(world):
    """Excel's “Unicode text” (UTF-16, tab-separated) reads with its macrons."""
    text = "NSN\tFirst Name\tLast Name\tYear Level\r\n1000000001\tRāwiri\tNgata\t5\r\n"
    job = _upload(world, files.csv_upload(text, encoding="utf-16"))
    assert job.rows == [["1000000001", "Rāwiri", "Ngata", "5"]]
    assert _notes(job) == ["Read as UTF-16 (Unicode text)."]


def test_unnamed_and_repeated_headings_get_names_of_their_own(world):
    """A column without a heading is named by its letter; a heading used twice is numbered, so
    each column can be chosen."""
    text = "NSN,First Name,,Phone,Phone\n1000000001,Tama,x,1,2\n"
    job = _upload(world, files.csv_upload(text))
    assert job.headers == ["NSN", "First Name", "Column C", "Phone", "Phone (2)"]


def test_workbook_values_read_as_text(world):
    """True/false cells, whole numbers typed as decimals and dates read as a person would."""
    rows = [
        ["NSN", "First Name", "Flag", "Year", "Start"],
        [1000000001.0, "Tama", True, 5.0, datetime.date(2026, 2, 2)],
    ]
    job = _upload(world, files.workbook_upload(rows))
    assert job.rows == [["1000000001", "Tama", "Yes", "5", "2026-02-02"]]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NSN," + ",".join(f"c{n}" for n in range(400)) + "\n1\n", "columns"),
        ('NSN,Name\n1,"' + "a" * 200_000 + '"\n', "could not read"),
    ],
    ids=["too-many-columns", "a-cell-too-big"],
)
def test_a_file_too_wide_or_with_a_giant_cell_is_refused(world, text, words):
    """Hundreds of columns, or a cell the size of a book, are refused in plain words."""
    with pytest.raises(ImportRefused) as refused:
        _upload(world, files.csv_upload(text))
    assert words in refused.value.message


def test_an_upload_larger_than_it_said_is_refused(world):
    """A file whose stated size is small but whose content is over the limit is still
    refused, having read no more than the limit."""
    upload = files.csv_upload("NSN\n" + "1\n" * (MAX_BYTES // 2 + 1))
    upload.size = 100
    with pytest.raises(ImportRefused) as refused:
        _upload(world, upload)
    assert "10.0\xa0MB" in refused.value.message


def test_a_nul_character_past_the_start_of_a_file_is_refused(world):
    """A file with a NUL character deep inside it is refused as unreadable, and nothing is
    kept."""
    rows = [files.student_row(n) for n in range(1, 80)]
    rows.append(files.student_row(80, **{"First Name": "Ta\x00ma"}))
    text = files.csv_text(files.STUDENT_HEADERS, rows)
    assert text.index("\x00") > 4096
    with pytest.raises(ImportRefused) as refused:
        _upload(world, files.csv_upload(text))
    assert "could not read this file" in refused.value.message
    assert not ImportJob.objects.exists()


def test_a_nul_character_in_a_files_name_is_dropped(world):
    """A file whose name carries a NUL character is still read, under its name without it."""
    text = files.csv_text(files.STUDENT_HEADERS, [files.student_row(1)])
    job = _upload(world, files.csv_upload(text, name="room\x007.csv"))
    assert job.filename == "room7.csv"


def test_a_workbook_cell_holding_a_nul_character_is_refused(world):
    """A cell read from a workbook with a NUL character in it is refused as unreadable, as a
    CSV's would be (every cell goes through the same bounded read)."""
    with pytest.raises(ImportRefused) as refused:
        reading._bounded(iter([("NSN", "First name"), (123456789, "Ta\x00ma")]))
    assert "could not read this file" in refused.value.message
