"""``bulk --from-csv FILE``: the mentors to register for, one per row of a CSV file.

The format: UTF-8 (a byte-order mark is fine), comma-separated (a semicolon- or
tab-separated file, as spreadsheets in many locales export, is read too), a header row
with a ``mentor`` column (``mentor_id``, its older name, is read too; other columns,
such as a name, are ignored), then one mentor id per row. Rows are numbered as a
spreadsheet shows them: the header is row 1, a blank line is a row, and a cell holding
a line break does not start a new row.

Every problem is reported, not only the first, and one bad row refuses the whole
file: nothing is registered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import attrs

from proxyreg.cli.command import InputProblem
from proxyreg.domain import Roster, mentor_error

COLUMN = "mentor"
"""The column of mentor ids, named as the ``--mentor`` option is."""
COLUMNS = (COLUMN, "mentor_id")
"""The header names read as that column (``mentor_id``: its older name)."""
_FILE_FIELD = "from_csv"
_DELIMITERS = (",", ";", "\t")


@attrs.frozen
class CsvMentors:
    """What a CSV file names: the mentor ids of its good rows, in file order, and every
    problem of the file (with its row, for a row's problem)."""

    mentor_ids: tuple[str, ...]
    problems: tuple[InputProblem, ...]


def mentor_ids_from_csv(path: str, roster: Roster) -> CsvMentors:
    """The mentor ids of the file, all of them ``roster``'s active mentors, and the
    problems: an unreadable or empty file, no mentor column, and per row an empty,
    unknown, unassigned, paused or repeated id. Never raises for the file's content."""
    text, problem = _read(path)
    if problem is not None:
        return CsvMentors((), (problem,))
    return _mentor_ids(path, text, roster)


def _mentor_ids(path: str, text: str, roster: Roster) -> CsvMentors:
    delimiter, header = _header(text)
    if not any(cell.strip() for cell in header):
        return _file_problem(
            "empty", f"{path} is empty: it needs a header row with a {COLUMN} column."
        )
    names = [cell.strip().lower() for cell in header]
    column = next((names.index(name) for name in COLUMNS if name in names), None)
    if column is None:
        return _file_problem(
            "missing_column",
            f"{path} has no {COLUMN} column; its header is: {', '.join(header)}.",
        )
    ids: list[str] = []
    problems: list[InputProblem] = []
    first_row_of: dict[str, int] = {}
    for row, cells in _rows(text, delimiter, problems):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        mentor_id = cells[column].strip() if column < len(cells) else ""
        found = _row_problem(mentor_id, roster, first_row_of)
        if found is not None:
            problems.append(InputProblem(COLUMN, found[0], found[1], row))
        else:
            ids.append(mentor_id)
        first_row_of.setdefault(mentor_id, row)
    if not ids and not problems:
        return _file_problem("no_rows", f"{path} has a header but no mentor rows.")
    return CsvMentors(tuple(ids), tuple(problems))


def _header(text: str) -> tuple[str, list[str]]:
    """The delimiter of the file and its header's cells: the first delimiter whose split
    of the header names the mentor column (else a comma)."""
    for delimiter in _DELIMITERS:
        cells = _first_row(text, delimiter)
        if any(cell.strip().lower() in COLUMNS for cell in cells):
            return delimiter, cells
    return ",", _first_row(text, ",")


def _first_row(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:  # named on its row when the rows are read
        return []


def _rows(
    text: str, delimiter: str, problems: list[InputProblem]
) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each row after the header; a row that cannot be read as CSV
    (an unclosed quote, say) is a problem named by the row it starts on, and ends the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    row = 1
    try:
        next(reader, None)
        while True:
            row += 1
            cells = next(reader, None)
            if cells is None:
                return
            yield row, cells
    except csv.Error as error:
        message = (
            "A quote opened on this row is never closed."
            if "unexpected end of data" in str(error)
            else f"This row cannot be read as CSV: {error}."
        )
        problems.append(InputProblem(COLUMN, "unreadable", message, row))


def _file_problem(code: str, message: str) -> CsvMentors:
    return CsvMentors((), (InputProblem(_FILE_FIELD, code, message),))


def _read(path: str) -> tuple[str, InputProblem | None]:
    def refused(code: str, message: str) -> tuple[str, InputProblem]:
        return "", InputProblem(_FILE_FIELD, code, message)

    try:
        return Path(path).read_text(encoding="utf-8-sig"), None
    except FileNotFoundError:
        return refused("missing", f"There is no file {path}.")
    except IsADirectoryError:
        return refused("not_a_file", f"{path} is a folder; name a CSV file.")
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        return refused(
            "not_utf8",
            f"{path} is not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}); "
            "save it as CSV UTF-8.",
        )
    except OSError as error:
        return refused("unreadable", f"{path} cannot be read: {error.strerror}.")


def _row_problem(
    mentor_id: str, roster: Roster, first_row_of: dict[str, int]
) -> tuple[str, str] | None:
    """(code, message) of what is wrong with one row's id, or None."""
    if not mentor_id:
        return "required", "The mentor id is empty."
    if mentor_id in first_row_of:
        return "duplicate", f"{mentor_id!r} is already on row {first_row_of[mentor_id]}."
    error = mentor_error(mentor_id, roster, COLUMN)
    return None if error is None else (error.code, error.message)
