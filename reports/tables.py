"""Every table a dashboard shows, as plain rows: the page renders them and the CSV export
writes the same rows, filters applied."""

import csv
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.text import slugify

from partnerships.spreadsheets import spreadsheet_safe


@dataclass
class Cell:
    text: str
    url: str = ""
    number: bool = False  # right-aligned, and written as a number in the CSV


@dataclass
class Table:
    key: str  # in ?export=<key>
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    empty: str = ""

    def add(self, *cells) -> None:
        self.rows.append([cell if isinstance(cell, Cell) else Cell(str(cell)) for cell in cells])


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the macrons as UTF-8
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([cell.text if cell.number else spreadsheet_safe(cell.text) for cell in row])
    return response
