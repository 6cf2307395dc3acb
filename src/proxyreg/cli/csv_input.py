"""``bulk --from-csv FILE``: the mentors to register for, one per row of a CSV file.

The format: UTF-8 (a byte-order mark is fine), comma-separated, a header row with a
``mentor_id`` column (other columns, such as a name, are ignored), then one mentor id
per row. Rows are numbered as a spreadsheet shows them: the header is row 1.

Every bad row is reported, not only the first, and one bad row refuses the whole
file: nothing is registered.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from proxyreg.cli.command import BadInputError, InputProblem
from proxyreg.domain import Roster, mentor_error

if TYPE_CHECKING:
    from _csv import Reader

COLUMN = "mentor_id"
_FILE_FIELD = "from_csv"


def mentor_ids_from_csv(path: str, roster: Roster) -> tuple[str, ...]:
    """The mentor ids of the file, in file order, all of them ``roster``'s active mentors.

    Raises `BadInputError` naming each problem: an unreadable or empty file, no
    ``mentor_id`` column, and per row an empty, unknown, unassigned, paused or repeated id.
    """
    rows = csv.reader(io.StringIO(_read(path), newline=""))
    try:
        return _mentor_ids(path, rows, roster)
    except csv.Error as error:  # e.g. a cell longer than the csv module takes
        problem = f"This row cannot be read as CSV: {error}."
        raise BadInputError([InputProblem(COLUMN, "unreadable", problem, rows.line_num)]) from None


def _mentor_ids(path: str, rows: Reader, roster: Roster) -> tuple[str, ...]:
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise BadInputError.one(
            _FILE_FIELD, "empty", f"{path} is empty: it needs a header row with {COLUMN}."
        )
    names = [cell.strip().lower() for cell in header]
    if COLUMN not in names:
        raise BadInputError.one(
            _FILE_FIELD,
            "missing_column",
            f"{path} has no {COLUMN} column; its header is: {', '.join(header)}.",
        )
    column = names.index(COLUMN)
    ids: list[str] = []
    problems: list[InputProblem] = []
    first_row_of: dict[str, int] = {}
    for cells in rows:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        row = rows.line_num
        mentor_id = cells[column].strip() if column < len(cells) else ""
        problem = _row_problem(mentor_id, roster, first_row_of)
        if problem is not None:
            problems.append(InputProblem(COLUMN, problem[0], problem[1], row))
        first_row_of.setdefault(mentor_id, row)
        ids.append(mentor_id)
    if problems:
        raise BadInputError(problems)
    if not ids:
        raise BadInputError.one(_FILE_FIELD, "no_rows", f"{path} has a header but no mentor rows.")
    return tuple(ids)


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInputError.one(_FILE_FIELD, "missing", f"There is no file {path}.") from None
    except IsADirectoryError:
        raise BadInputError.one(
            _FILE_FIELD, "not_a_file", f"{path} is a folder; name a CSV file."
        ) from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise BadInputError.one(
            _FILE_FIELD,
            "not_utf8",
            f"{path} is not UTF-8 text (byte 0x{error.object[error.start]:02x} on line {line}); "
            "save it as CSV UTF-8.",
        ) from None
    except OSError as error:
        raise BadInputError.one(
            _FILE_FIELD, "unreadable", f"{path} cannot be read: {error.strerror}."
        ) from None


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
