"""Extract files built for tests: wide CSV exports, Excel workbooks, Word chronology tables."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import xlsxwriter
from docx import Document


def wide_csv(path, width: int, date_at: int, rows: int = 3):
    header = [f"Field {i}" for i in range(width)]
    header[date_at] = "Event Date"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for r in range(rows):
        row = [f"value {r}.{i}" for i in range(width)]
        row[date_at] = f"0{r + 1}/05/2016"
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def workbook(path, *, first_sheet_dates=False):
    """Sheet 'Notes' without dates, then 'Chronology': a title, a merged group header over
    two columns, date cells, a serial number, text dates, a formula and a bad date."""
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Notes")
    notes.write(0, 0, "Read me first" if not first_sheet_dates else "Date")
    sheet = book.add_worksheet("Chronology")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    stamp = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    sheet.write(0, 0, "Police chronology for C-1")
    sheet.merge_range(1, 2, 1, 3, "Contact")  # over "Type" and "Details"
    sheet.write_row(2, 0, ["Event Date", "Time", "Type", "Details", "Our Ref"])
    sheet.write_datetime(3, 0, datetime(2016, 5, 3), day)
    sheet.write_row(3, 1, ["14:32", "Home visit", "Seen alone", "R1"])
    sheet.write_datetime(4, 0, datetime(2016, 6, 4, 9, 15), stamp)
    sheet.write_row(4, 2, ["Call", "Phoned school"])
    sheet.write_formula(4, 4, '="R"&2', None, "R2")
    sheet.write_number(5, 0, 42500)  # an Excel serial day number without a date format
    sheet.write_row(5, 2, ["Referral", "Serial date"])
    sheet.write_row(6, 0, ["Sept 2015", None, "Note", "Month only"])
    sheet.write_row(7, 0, ["31/02/2016", None, "Note", "No such day"])
    book.close()
    return path


HEADER = ["Date", "Source", "Event", "Outcome"]


def fill(row, texts):
    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = text


def chronology_docx(path, *, tables=True):
    doc = Document()
    doc.add_heading("Multi-agency chronology", 1)
    doc.add_paragraph("Agency: Health")
    if tables:
        first = doc.add_table(rows=1, cols=4)
        fill(first.rows[0], HEADER)
        for row in (
            ["?22 May 2016", "GP", "Appointment missed", "Letter sent"],
            ["c. 2015", "HV", "Family moved in", ""],
            ["03/06/2016 10:30", "A&E", "Attended with a bruise", "Discharged"],
        ):
            fill(first.add_row(), row)
        doc.add_paragraph("Continued")
        more = doc.add_table(rows=2, cols=4)
        fill(more.rows[0], HEADER)
        fill(more.rows[1], ["Sept 2016?", "GP", "Review", "seen"])
    doc.save(str(path))
    return path
