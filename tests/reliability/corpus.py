"""The bad-input corpus: generated malformed forms, command lines and CSV files.

Each case starts from valid input and makes one or more fields bad, and knows
which fields an answer must name (``must``) and which it may name besides
(``may``: changing the kind also decides whether a participant count is wanted).
The strategies never produce valid input, so a case that stores anything is a defect.

Text is drawn from every code point, lone surrogates and rich markup (``[b]``,
``[/x]``) included: a front end receives whatever a keyboard, a clipboard or a
file holds, and must name the field, never crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import attrs
from hypothesis import strategies as st

from proxyreg.domain import DEFAULT_KINDS, MAX_MINUTES, MAX_NOTES

KIND_IDS = tuple(k.id for k in DEFAULT_KINDS)
GROUP_KINDS = tuple(k.id for k in DEFAULT_KINDS if k.needs_participants)
MAX_AGE_DAYS = 60
MAX_PARTICIPANTS = 1000
DRAFT_FIELDS = ("kind", "date", "minutes", "notes", "participants")

# --- text -------------------------------------------------------------------------------

CONTROLS = "".join(chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))
"""The control characters notes may not hold (newline and tab are allowed)."""

MARKUP = ("[b]", "[/]", "[/x]", "[red]", "[", "]", "[link=x]")

any_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=30
) | st.sampled_from(MARKUP)
"""Any code points, surrogates and control characters included, or a piece of markup."""

lone_surrogates = st.characters(categories=["Cs"])


def with_control(text: str, control: str, at: int) -> str:
    at = at % (len(text) + 1)
    return text[:at] + control + text[at:]


control_text = st.builds(
    with_control,
    st.text(max_size=40),
    st.sampled_from(CONTROLS),
    st.integers(min_value=0, max_value=40),
)
"""Text holding at least one forbidden control character, somewhere."""


def long_text(size: int, filler: str) -> str:
    return (filler or "x") * (size // max(1, len(filler)) + 1)


huge_text = st.builds(
    long_text,
    st.integers(min_value=MAX_NOTES + 1, max_value=200_000),
    st.sampled_from(("x", "é", "🙂", "ab ", "\n")),
)
"""Text longer than notes may be (built by repetition: cheap at any size)."""

# --- wrong types ------------------------------------------------------------------------

odd_values: st.SearchStrategy[object] = st.one_of(
    st.floats(allow_nan=True),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.just(object()),
    st.decimals(allow_nan=False, allow_infinity=False),
)
"""Values of no type a form field holds."""

# --- the engine's forms -------------------------------------------------------------------


@attrs.frozen
class BadForm:
    """A form as a UI could send it: the mentors and the draft's five fields, some made bad."""

    mentors: object
    kind: object
    date: object
    minutes: object
    notes: object
    participants: object
    corrupted: frozenset[str]
    mentor_field: str = "mentors"

    @property
    def must(self) -> frozenset[str]:
        """Fields every answer must name."""
        named = {self.mentor_field if f == "mentors" else f for f in self.corrupted}
        if "kind" in self.corrupted and self.participants is None:
            named.discard("participants")  # an unknown kind wants no participant count
        return frozenset(named)

    @property
    def may(self) -> frozenset[str]:
        """Fields an answer may name: the bad ones, and participants when the kind is bad."""
        return self.must | ({"participants"} if "kind" in self.corrupted else set())


@attrs.frozen
class People:
    """Who the corpus may name: the coordinator's active, paused and another's mentors."""

    active: tuple[str, ...]
    paused: tuple[str, ...]
    foreign: tuple[str, ...]
    today: dt.date

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.active + self.paused)


def valid_draft(people: People) -> st.SearchStrategy[dict[str, object]]:
    """The draft's five fields, valid for ``people.today``."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, object]:
        kind = draw(st.sampled_from(KIND_IDS))
        return {
            "kind": kind,
            "date": people.today - dt.timedelta(days=draw(st.integers(0, MAX_AGE_DAYS))),
            "minutes": draw(st.integers(1, MAX_MINUTES)),
            "notes": draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cc"]))),
            "participants": draw(st.integers(1, MAX_PARTICIPANTS)) if kind in GROUP_KINDS else None,
        }

    return build()


def bad_kind() -> st.SearchStrategy[object]:
    unknown = any_text.filter(lambda t: t not in KIND_IDS)
    disguised = st.sampled_from(
        [k for kind in KIND_IDS for k in (kind.upper(), f" {kind}", f"{kind} ", f"{kind}\x00")]
    )
    return st.one_of(st.none(), st.just(""), unknown, disguised, st.integers(), odd_values)


def bad_date(today: dt.date) -> st.SearchStrategy[object]:
    future = st.integers(1, 3650).map(lambda n: today + dt.timedelta(days=n))
    too_old = st.integers(MAX_AGE_DAYS + 1, 365 * 50).map(lambda n: today - dt.timedelta(days=n))
    as_datetime = st.datetimes(
        min_value=dt.datetime.combine(today - dt.timedelta(days=MAX_AGE_DAYS), dt.time()),
        max_value=dt.datetime.combine(today, dt.time()),
    )
    as_text = st.one_of(st.just(today.isoformat()), any_text)
    return st.one_of(st.none(), future, too_old, as_datetime, as_text, st.integers(), odd_values)


def bad_minutes() -> st.SearchStrategy[object]:
    out_of_range = st.integers(max_value=0) | st.integers(min_value=MAX_MINUTES + 1)
    huge = st.integers(min_value=64, max_value=4000).map(lambda bits: 2**bits)
    as_text = st.integers(1, MAX_MINUTES).map(str)
    as_float = st.integers(1, MAX_MINUTES).map(float)
    return st.one_of(st.none(), out_of_range, huge, as_text, as_float, st.booleans(), odd_values)


def bad_notes() -> st.SearchStrategy[object]:
    surrogate = st.builds(with_control, st.text(max_size=10), lone_surrogates, st.integers(0, 10))
    return st.one_of(control_text, huge_text, surrogate, st.none(), st.integers(), odd_values)


def bad_participants(kind: object) -> st.SearchStrategy[object]:
    if kind in GROUP_KINDS:
        out_of_range = st.integers(max_value=0) | st.integers(min_value=MAX_PARTICIPANTS + 1)
        return st.one_of(
            st.none(), out_of_range, st.integers(1, 9).map(str), st.booleans(), odd_values
        )
    # A kind without participants: any count at all is one too many.
    return st.one_of(st.integers(), st.integers(1, 9).map(str), odd_values)


def bad_selection(people: People) -> st.SearchStrategy[tuple[object, ...]]:
    """A selection holding at least one id the coordinator may not register for."""
    wrong = st.one_of(
        st.sampled_from(people.foreign),
        st.sampled_from(people.paused),
        any_text.filter(lambda t: t not in people.known),
        st.sampled_from(people.active).map(lambda m: f" {m}"),
        st.sampled_from(people.active).map(str.upper),
        st.integers(),
        st.none(),
        odd_values,
    )

    @st.composite
    def build(draw: st.DrawFn) -> tuple[object, ...]:
        good = draw(st.lists(st.sampled_from(people.active), max_size=4, unique=True))
        if not good or draw(st.booleans()):
            bad = draw(st.lists(wrong, min_size=1, max_size=3))
        else:
            bad = [draw(st.sampled_from(good))]  # a mentor selected twice
        ids = good + bad
        return tuple(draw(st.permutations(ids)))

    return st.one_of(st.just(()), build())


def bad_single_mentor(people: People) -> st.SearchStrategy[object]:
    return st.one_of(
        st.sampled_from(people.foreign),
        st.sampled_from(people.paused),
        any_text.filter(lambda t: t not in people.known),
        st.sampled_from(people.active).map(lambda m: m + "\t"),
        st.integers(),
        st.none(),
        odd_values,
    )


_FIELD_CORRUPTERS: dict[str, Callable[[People, dict[str, object]], st.SearchStrategy[object]]] = {
    "kind": lambda people, draft: bad_kind(),
    "date": lambda people, draft: bad_date(people.today),
    "minutes": lambda people, draft: bad_minutes(),
    "notes": lambda people, draft: bad_notes(),
    "participants": lambda people, draft: bad_participants(draft["kind"]),
}


def bad_forms(people: People, *, single: bool = False) -> st.SearchStrategy[BadForm]:
    """A form with 1 to 6 of its fields made bad (the mentor selection is one of them)."""
    fields = ("mentors", *DRAFT_FIELDS)

    @st.composite
    def build(draw: st.DrawFn) -> BadForm:
        draft = draw(valid_draft(people))
        corrupted = frozenset(draw(st.lists(st.sampled_from(fields), min_size=1, unique=True)))
        for field in DRAFT_FIELDS:
            if field in corrupted:
                draft[field] = draw(_FIELD_CORRUPTERS[field](people, draft))
        if single:
            mentors: object = (
                draw(bad_single_mentor(people))
                if "mentors" in corrupted
                else draw(st.sampled_from(people.active))
            )
        elif "mentors" in corrupted:
            mentors = draw(bad_selection(people))
        else:
            mentors = tuple(
                draw(st.lists(st.sampled_from(people.active), min_size=1, max_size=5, unique=True))
            )
        return BadForm(
            mentors=mentors,
            corrupted=corrupted,
            mentor_field="mentor" if single else "mentors",
            **draft,
        )

    return build()


# --- the command line ---------------------------------------------------------------------

# What a problem needs to be found: the text alone (read, faults, the activity judged),
# the coordinator (``--as``), or the coordinator's roster (the mentors). Every problem is
# named at once, except that the roster's problems cannot be found when who acts is refused.
STAGE_READ, STAGE_FAULTS, STAGE_COORDINATOR, STAGE_FORM = range(4)
_ROSTER_FIELDS = frozenset({"mentor"})


@attrs.frozen
class BadCommand:
    """A ``proxyreg`` argument list (without ``--db``) and what its answer must name.

    With ``argparse_refuses``, the names are options (``--strategy``): argparse refuses
    the line before any field is read, and reports the first problem it meets.
    """

    argv: tuple[str, ...]
    must: frozenset[str]
    may: frozenset[str]
    argparse_refuses: bool = False


@attrs.frozen
class _Problem:
    field: str
    stage: int
    argv: tuple[str, ...]
    """What replaces the field's valid option (empty: the option is left out)."""


def _argv_text(text: str) -> str:
    # An argument list cannot hold NUL; undecodable bytes arrive as U+DC80 to U+DCFF.
    return text.replace("\x00", "\udc80")


def cli_text(*, exclude: Sequence[str] = ()) -> st.SearchStrategy[str]:
    return any_text.map(_argv_text).filter(lambda t: t not in exclude)


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _is_relative_date(text: str) -> bool:
    return text.strip().lower() in ("today", "yesterday")


def _is_int(text: str) -> bool:
    try:
        int(text.strip())
    except ValueError:
        return False
    return True


def _option(field: str, stage: int, values: st.SearchStrategy[str]) -> st.SearchStrategy[_Problem]:
    # ``--name=value``: a value starting with "-" is still a value, not an option.
    return values.map(lambda v: _Problem(field, stage, (f"--{field}={v}",)))


def _cli_problems(
    people: People, command: str, kind: str
) -> dict[str, st.SearchStrategy[_Problem]]:
    """Per field, the ways a command line can get it wrong."""
    today = people.today
    # Two days of margin: the command reads the clock itself, perhaps after midnight.
    future = st.integers(2, 3650).map(lambda n: (today + dt.timedelta(days=n)).isoformat())
    too_old = st.integers(MAX_AGE_DAYS + 2, 365 * 50).map(
        lambda n: (today - dt.timedelta(days=n)).isoformat()
    )
    unreadable_date = st.sampled_from(
        ("2026-13-01", "2026-02-30", "tomorrow", "25.11.2026", "")
    ) | cli_text().filter(lambda t: not _is_iso_date(t) and not _is_relative_date(t))
    not_a_number = st.sampled_from(
        ("1.5", "", " ", "sixty", "1e3", "0x10", "--", "½")
    ) | cli_text().filter(lambda t: not _is_int(t))
    out_of_range = (st.integers(max_value=0) | st.integers(min_value=MAX_MINUTES + 1)).map(str)
    bad_id = st.sampled_from(people.foreign + people.paused) | cli_text().filter(
        lambda t: t.strip() not in people.known
    )
    problems = {
        "kind": _option(
            "kind",
            STAGE_FORM,
            cli_text(exclude=KIND_IDS) | st.sampled_from(KIND_IDS).map(str.upper),
        ),
        "date": _option("date", STAGE_FORM, future | too_old)
        | _option("date", STAGE_READ, unreadable_date),
        "minutes": _option("minutes", STAGE_FORM, out_of_range)
        | _option("minutes", STAGE_READ, not_a_number),
        "notes": _option("notes", STAGE_FORM, (control_text | huge_text).map(_argv_text)),
        "as": _option("as", STAGE_COORDINATOR, cli_text(exclude=("coord-demo", "coord-other"))),
    }
    if command == "register":
        problems["mentor"] = bad_id.map(
            lambda v: _Problem("mentor", STAGE_FORM, (f"--mentor={v}",))
        )
    else:
        named_twice = st.sampled_from(people.active).map(
            lambda m: _Problem("mentor", STAGE_FORM, (f"--mentor={m}", f"--mentor={m}"))
        )
        one_bad = st.tuples(st.sampled_from(people.active), bad_id).map(
            lambda pair: _Problem(
                "mentor", STAGE_FORM, (f"--mentor={pair[0]}", f"--mentor={pair[1]}")
            )
        )
        problems["mentor"] = named_twice | one_bad
        problems["faults"] = _option(
            "faults",
            STAGE_FAULTS,
            st.sampled_from(("fail_rate=2", "seed=x", "nonsense", "fail_rate", "latency_ms=-1")),
        )
    if kind in GROUP_KINDS:
        problems["participants"] = (
            st.just(_Problem("participants", STAGE_FORM, ()))  # left out: it is required
            | _option("participants", STAGE_FORM, st.sampled_from(("0", "1001", "-3")))
            | _option("participants", STAGE_READ, not_a_number)
        )
    else:
        problems["participants"] = _option(
            "participants", STAGE_FORM, st.integers(1, 50).map(str)
        ) | _option("participants", STAGE_READ, not_a_number)
    return problems


def _valid_options(
    draw: st.DrawFn, people: People, command: str, kind: str
) -> dict[str, tuple[str, ...]]:
    date = people.today - dt.timedelta(days=draw(st.integers(0, MAX_AGE_DAYS - 2)))
    valid: dict[str, tuple[str, ...]] = {
        "kind": (f"--kind={kind}",),
        "date": (f"--date={date.isoformat()}",),
        "minutes": (f"--minutes={draw(st.integers(1, MAX_MINUTES))}",),
        ("mentor" if command == "register" else "mentors"): (
            f"--mentor={draw(st.sampled_from(people.active))}",
        ),
    }
    if kind in GROUP_KINDS:
        valid["participants"] = (f"--participants={draw(st.integers(1, MAX_PARTICIPANTS))}",)
    if draw(st.booleans()):
        plain = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=30)
        valid["notes"] = (f"--notes={draw(plain)}",)
    return valid


def bad_commands(people: People) -> st.SearchStrategy[BadCommand]:
    """``register`` or ``bulk`` with 1 to 4 bad fields, or (one in ten) a line argparse refuses."""

    @st.composite
    def build(draw: st.DrawFn) -> BadCommand:
        command = draw(st.sampled_from(("register", "bulk")))
        kind = draw(st.sampled_from(KIND_IDS))
        options = _valid_options(draw, people, command, kind)
        if draw(st.integers(0, 9)) == 0:
            return _refused_by_argparse(draw, command, options)
        catalogue = _cli_problems(people, command, kind)
        chosen = draw(
            st.lists(st.sampled_from(sorted(catalogue)), min_size=1, max_size=4, unique=True)
        )
        problems = [draw(catalogue[name]) for name in chosen]
        for problem in problems:
            options[problem.field] = problem.argv
        named = {p.field for p in problems}
        must, may = set(named), set(named)
        if any(p.stage == STAGE_COORDINATOR for p in problems):
            must -= _ROSTER_FIELDS  # who acts is refused: there is no roster to judge by
        if "kind" in named:
            may.add("participants")
            if not options.get("participants"):
                must.discard("participants")  # an unknown kind wants no participant count
        groups = draw(st.permutations(list(options.values())))
        argv = (command, *(part for group in groups for part in group))
        if draw(st.booleans()):
            argv = (*argv, "--json")
        return BadCommand(argv, frozenset(must), frozenset(may))

    return build()


def _refused_by_argparse(
    draw: st.DrawFn, command: str, options: dict[str, tuple[str, ...]]
) -> BadCommand:
    """An option left out (named by the domain, as the field it gives), or a strategy
    argparse does not offer (named by argparse, as the option)."""
    reasons = ("missing", "strategy") if command == "bulk" else ("missing",)
    if draw(st.sampled_from(reasons)) == "strategy":
        choice = draw(cli_text(exclude=("rpc", "chunked", "atomic")))
        options["strategy"] = (f"--strategy={choice}",)
        named = frozenset({"--strategy"})
        argv = (command, *(part for group in options.values() for part in group))
        return BadCommand(argv, named, named, argparse_refuses=True)
    selection = "mentor" if command == "register" else "mentors"
    dropped = draw(st.sampled_from(("kind", "minutes", selection)))  # --date is today if left out
    del options[dropped]
    field = frozenset({"mentor" if dropped == "mentors" else dropped})
    # No kind: a participant count given for a group kind is judged as for no group.
    may = field | {"participants"} if dropped == "kind" else field
    argv = (command, *(part for group in options.values() for part in group))
    return BadCommand(argv, field, may)


# --- CSV files ----------------------------------------------------------------------------

CSV_FIELD, FILE_FIELD = "mentor", "from_csv"
_COLUMN_NAMES = ("mentor", "mentor_id")
"""The header names docs/cli.md reads as the mentor column."""


@attrs.frozen
class BadCsv:
    """A ``--from-csv`` file's bytes, and every problem its answer must name: (row, field, code).

    ``row`` is None for a problem of the whole file (field ``from_csv``).
    """

    content: bytes
    problems: frozenset[tuple[int | None, str, str]]


_CELL_TEXT = st.text(st.characters(codec="utf-8", exclude_characters=',"\r\n\ufeff'), max_size=12)
"""Cell text that stays one cell on one line: no comma, quote or line break."""


def expected_row_problems(
    ids: Sequence[str | None], people: People
) -> frozenset[tuple[int | None, str, str]]:
    """What docs/cli.md promises for these data rows (None: a blank line), header on row 1."""
    problems: set[tuple[int | None, str, str]] = set()
    first_row_of: dict[str, int] = {}
    for row, raw in enumerate(ids, start=2):
        if raw is None:
            continue
        mentor_id = raw.strip()
        if not mentor_id:
            code: str | None = "required"
        elif mentor_id in first_row_of:
            code = "duplicate"
        elif mentor_id in people.paused:
            code = "paused"
        elif mentor_id not in people.active:
            code = "not_assigned"
        else:
            code = None
        if code is not None:
            problems.add((row, CSV_FIELD, code))
        first_row_of.setdefault(mentor_id, row)
    return frozenset(problems)


def _row_ids(people: People) -> st.SearchStrategy[str | None]:
    padded = st.tuples(
        st.sampled_from(("", " ", "\t", "\x0b", "\u00a0")),
        st.sampled_from(people.active),
        st.sampled_from(("", " ", "\x1f")),
    ).map("".join)
    return st.one_of(
        st.none(),  # a blank line
        st.sampled_from(people.active),
        padded,
        st.sampled_from(people.foreign),
        st.sampled_from(people.paused),
        st.sampled_from(("", "  ", "\t")),
        _CELL_TEXT,
    )


def bad_csv_files(people: People) -> st.SearchStrategy[BadCsv]:
    """A file refused as a whole, or rows of which at least one is bad."""
    return st.one_of(_bad_rows(people), _bad_files()).filter(lambda c: bool(c.problems))


def _bad_rows(people: People) -> st.SearchStrategy[BadCsv]:
    @st.composite
    def build(draw: st.DrawFn) -> BadCsv:
        ids = draw(st.lists(_row_ids(people), min_size=1, max_size=40))
        if not expected_row_problems(ids, people):
            ids.append(draw(st.sampled_from(people.foreign + people.paused)))
        others = draw(st.lists(st.sampled_from(("name", "note", "Navn", "", "id")), max_size=3))
        column = draw(st.integers(0, len(others)))
        header = draw(st.sampled_from(("mentor_id", "Mentor_ID", " mentor_id ")))
        names = [*others[:column], header, *others[column:]]
        filler = st.lists(_CELL_TEXT, min_size=len(names), max_size=len(names))
        lines = [",".join(names)]
        for mentor_id in ids:
            if mentor_id is None:
                lines.append(draw(st.sampled_from(("", " ", ",", " , "))))
                continue
            cells = draw(filler)
            cells[column] = mentor_id
            if draw(st.integers(0, 9)) == 0:
                cells = cells[:column]  # a short row: no mentor_id cell at all
            lines.append(",".join(cells))
        ending = draw(st.sampled_from(("\n", "\r\n")))
        text = ending.join(lines) + draw(st.sampled_from(("", ending)))
        bom = draw(st.sampled_from(("", "\ufeff")))
        content = (bom + text).encode("utf-8")
        return BadCsv(content, _reparsed_problems(lines, ids, column, people))

    return build()


def _reparsed_problems(
    lines: Sequence[str], ids: Sequence[str | None], column: int, people: People
) -> frozenset[tuple[int | None, str, str]]:
    # Read each written data line back the simple way (cells split on commas), so a
    # row that became short or blank is judged as the file holds it.
    cells_of = [line.split(",") for line in lines[1:]]
    read: list[str | None] = []
    for cells in cells_of:
        if not any(c.strip() for c in cells):
            read.append(None)
        else:
            read.append(cells[column] if column < len(cells) else "")
    return expected_row_problems(read, people)


def _names_no_mentor_column(cell: str) -> bool:
    """Not a mentor column header, split on any delimiter the reader tries (, ; tab)."""
    parts = cell.replace("\t", ";").split(";")
    return not any(part.strip().lower() in _COLUMN_NAMES for part in parts)


def _bad_files() -> st.SearchStrategy[BadCsv]:
    def whole(code: str, texts: st.SearchStrategy[bytes]) -> st.SearchStrategy[BadCsv]:
        return texts.map(lambda b: BadCsv(b, frozenset({(None, FILE_FIELD, code)})))

    empty = st.sampled_from((b"", b"\xef\xbb\xbf", b"\n", b" , \n", b"\r\n\r\n"))
    no_column = (
        st.lists(_CELL_TEXT.filter(_names_no_mentor_column), min_size=1, max_size=4)
        .filter(lambda cells: any(c.strip() for c in cells))
        .map(lambda cells: (",".join(cells) + "\nm01\n").encode("utf-8"))
    )
    header_only = st.sampled_from((b"mentor_id", b"mentor_id\n", b"mentor_id,name\n\n , \n"))
    not_utf8 = st.sampled_from(
        ("mentor_id\nBjørn\n".encode("latin-1"), b"\xff\xfe" + "mentor_id".encode("utf-16-le"))
    ) | st.binary(min_size=1, max_size=20).map(lambda b: b"mentor_id\n\xff" + b)
    return st.one_of(
        whole("empty", empty),
        whole("missing_column", no_column),
        whole("no_rows", header_only),
        whole("not_utf8", not_utf8),
    )
