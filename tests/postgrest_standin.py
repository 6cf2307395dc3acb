"""A stand-in for PostgREST (and Supabase's API gateway), for tests: PostgREST itself cannot be
installed on these machines.

It is NOT PostgREST. It is a small loopback HTTP server doing, for the requests proxyreg's
Supabase adapter makes, what PostgREST does, against the real test PostgreSQL:

- ``POST /rest/v1/rpc/<function>`` with a JSON object of named arguments, and
  ``GET /rest/v1/<table or view>`` with ``select``, ``eq.``/``in.`` filters, ``order``,
  ``limit`` and ``offset`` (no embedding, no other verbs);
- the gateway's ``apikey`` check; the bearer JWT checked (HS256, the test secret): an expired
  one answers 401 ``PGRST303``, a bad signature 401 ``PGRST301``, none acts as ``anon``;
- per request, one transaction (read-only for a GET, as PostgREST runs them): ``SET LOCAL ROLE``
  to the token's role, ``request.jwt.claims`` set as PostgREST sets it, the real SQL run,
  committed, then answered;
- errors in PostgREST's JSON (``code``, ``details``, ``hint``, ``message``), with its status
  for each SQLSTATE (23505 → 409, 42501 → 403, P0001 → 400, ``PTxyz`` → xyz, 57014 → 500…).

Fault knobs, each armed for the next request to a path (``rpc/register_proxy_activities``,
``proxy_activities``…): answer a status (429 with Retry-After, 503, 502…) before running
anything; delay the answer after the commit; drop the connection without answering, before
running or after the commit. A request armed "after the commit" holds back every request that
arrives after it until it has committed, so a client that gives up early and asks again sees the
commit whatever the machine's load. ``requests`` logs every request received, so a test can
count how many times the client sent one.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs
import jwt
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

JWT_SECRET = "proxyreg-test-secret-at-least-32-bytes-long"
ANON_KEY = jwt.encode({"role": "anon", "iss": "supabase"}, JWT_SECRET, algorithm="HS256")
"""The project's anon key, as Supabase issues it: a JWT for the ``anon`` role."""

_PREFIXED_STATUS = {
    "08": 503, "09": 500, "0L": 403, "0P": 403, "25": 500, "28": 403, "2D": 500, "38": 500,
    "39": 500, "3B": 500, "40": 500, "53": 503, "54": 500, "55": 500, "57": 500, "58": 500,
    "F0": 500, "HV": 500, "P0": 500, "XX": 500,
}  # fmt: skip
_EXACT_STATUS = {
    "23503": 409, "23505": 409, "25006": 405, "53400": 500, "P0001": 400, "42883": 404,
    "42P01": 404, "42P17": 500,
}  # fmt: skip
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def status_of(sqlstate: str, authenticated: bool) -> int:
    """PostgREST's HTTP status for a SQLSTATE."""
    if re.fullmatch(r"PT\d{3}", sqlstate):
        return int(sqlstate[2:])
    if sqlstate == "42501":
        return 403 if authenticated else 401
    return _EXACT_STATUS.get(sqlstate) or _PREFIXED_STATUS.get(sqlstate[:2], 400)


def token(
    sub: str, *, role: str = "authenticated", expires_in: float = 3600, secret: str = JWT_SECRET
) -> str:
    """An access token as Supabase Auth issues it (HS256); negative ``expires_in`` is expired."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": role,
        "aud": "authenticated",
        "iat": now,
        "exp": now + int(expires_in),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


@attrs.define
class Fault:
    """What to do to the next request to ``path`` (see the module docstring)."""

    path: str
    status: int | None = None
    retry_after: str | None = None
    code: str | None = None
    message: str | None = None
    delay: float = 0.0
    drop: bool = False
    after_commit: bool = False


class _Failure(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: str | None = None,
        hint: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "details": details, "hint": hint, "message": message}
        self.headers = dict(headers or {})


class PostgrestStandIn:
    """The loopback server; `start` it (or use `running`), then point the client at `url`."""

    def __init__(self, dsn: str, *, jwt_secret: str = JWT_SECRET, anon_key: str = ANON_KEY) -> None:
        self.dsn = dsn
        self.jwt_secret = jwt_secret
        self.anon_key = anon_key
        self.requests: list[tuple[str, str]] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        # Requests armed "after the commit" that have arrived and not committed yet.
        self._uncommitted = 0
        self._all_committed = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @contextmanager
    def running(self) -> Iterator[PostgrestStandIn]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._server = server
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            self._server = None

    # --- fault knobs --------------------------------------------------------------------
    def answer_status(
        self,
        path: str,
        status: int,
        *,
        retry_after: str | None = None,
        code: str | None = None,
        message: str | None = None,
    ) -> None:
        """The next request to ``path`` is answered ``status`` (PostgREST's error JSON with
        this code and message), nothing run."""
        self._arm(Fault(path, status, retry_after, code, message))

    def delay_reply(self, path: str, seconds: float) -> None:
        """The next request to ``path`` runs and commits, then waits ``seconds`` to answer."""
        self._arm(Fault(path, delay=seconds, after_commit=True))

    def refuse(self, path: str, *, after_commit: bool = False) -> None:
        """The next request to ``path`` gets its connection closed without an answer."""
        self._arm(Fault(path, drop=True, after_commit=after_commit))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.requests.clear()

    def count(self, method: str, path: str) -> int:
        with self._lock:
            return sum(1 for m, p in self.requests if (m, p) == (method, path))

    def _arm(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _take(self, method: str, path: str) -> Fault | None:
        """Log the request and take the fault armed for it, once earlier armed ones committed.

        Nothing sent after a request armed "after the commit" arrived (a reconciliation
        read, a retry) runs before that request has committed (bounded, in case of a bug).
        """
        with self._lock:
            self._all_committed.wait_for(lambda: self._uncommitted == 0, timeout=30)
            self.requests.append((method, path))
            fault = next((f for f in self._faults if f.path == path), None)
            if fault is not None:
                self._faults.remove(fault)
                self._uncommitted += int(fault.after_commit)
            return fault

    def _committed(self, fault: Fault | None) -> None:
        """The request armed with ``fault`` has committed (or failed): let the others run."""
        if fault is not None and fault.after_commit:
            with self._lock:
                self._uncommitted -= 1
                self._all_committed.notify_all()

    # --- what PostgREST does ------------------------------------------------------------
    def claims(self, headers: Mapping[str, str]) -> dict[str, Any]:
        if headers.get("apikey") != self.anon_key:
            raise _Failure(
                401, "401", "Invalid API key", hint="Double check your Supabase `anon` key."
            )
        authorization = headers.get("Authorization") or ""
        if not authorization.startswith("Bearer "):
            return {"role": "anon"}
        try:
            claims = jwt.decode(
                authorization.removeprefix("Bearer "),
                self.jwt_secret,
                algorithms=["HS256"],
                options={"verify_aud": False},  # PostgREST checks `exp` only when present
            )
        except jwt.ExpiredSignatureError as exc:
            raise _unauthorized("PGRST303", "JWT expired") from exc
        except jwt.InvalidTokenError as exc:
            raise _unauthorized("PGRST301", "JWSError JWSInvalidSignature") from exc
        return dict(claims)

    def run(
        self, method: str, path: str, query: str, body: bytes, claims: dict[str, Any]
    ) -> tuple[int, Any]:
        role = str(claims.get("role") or "anon")
        with psycopg.connect(self.dsn) as conn:
            try:
                with conn.transaction():
                    if method == "GET":
                        conn.execute("SET TRANSACTION READ ONLY")
                    conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(role)))
                    conn.execute(
                        "SELECT set_config('request.jwt.claims', %s, true),"
                        " set_config('request.method', %s, true),"
                        " set_config('request.path', %s, true)",
                        (json.dumps(claims), method, "/" + path),
                    )
                    if method == "POST" and path.startswith("rpc/"):
                        return _call(conn, path.removeprefix("rpc/"), body)
                    if method == "GET" and "/" not in path:
                        return 200, _select(conn, path, query)
                    raise _Failure(405, "PGRST117", f"Unsupported HTTP method: {method}")
            except psycopg.Error as exc:
                state = exc.sqlstate or "XX000"
                raise _Failure(
                    status_of(state, role != "anon"),
                    state,
                    exc.diag.message_primary or str(exc),
                    details=exc.diag.message_detail,
                    hint=exc.diag.message_hint,
                ) from exc


def _unauthorized(code: str, message: str) -> _Failure:
    challenge = f'Bearer error="invalid_token", error_description="{message}"'
    return _Failure(401, code, message, headers={"WWW-Authenticate": challenge})


def _call(conn: psycopg.Connection[Any], function: str, body: bytes) -> tuple[int, Any]:
    try:
        args = json.loads(body or b"{}")
    except ValueError as exc:
        raise _Failure(400, "PGRST102", "Empty or invalid json") from exc
    if not isinstance(args, dict):
        raise _Failure(400, "PGRST102", "Expected a JSON object of named arguments")
    found = _function(conn, function, set(args))
    if found is None:
        raise _Failure(
            404,
            "PGRST202",
            f"Could not find the function public.{function}({', '.join(sorted(args))})"
            " in the schema cache",
            hint="Perhaps you meant to call another function.",
        )
    types, returns_rows, returns_void = found
    # Each argument read from the body as PostgREST does: json(b) as is, the rest from text.
    bound = [
        sql.SQL("{} => (%(body)s::jsonb -> {})::{}" if types[name] in ("json", "jsonb")
                else "{} => (%(body)s::jsonb ->> {})::{}").format(
            sql.Identifier(name), sql.Literal(name), sql.SQL(types[name])
        )
        for name in args
    ]  # fmt: skip
    call = sql.SQL("{}({})").format(sql.Identifier("public", function), sql.SQL(", ").join(bound))
    params = {"body": Jsonb(args)}
    if returns_void:
        conn.execute(sql.SQL("SELECT {}").format(call), params)
        return 204, None
    if returns_rows:
        query = sql.SQL("SELECT coalesce(jsonb_agg(to_jsonb(r)), '[]') FROM {} AS r").format(call)
    else:
        query = sql.SQL("SELECT to_jsonb({})").format(call)
    row = conn.execute(query, params).fetchone()
    return 200, None if row is None else row[0]


def _function(
    conn: psycopg.Connection[Any], function: str, given: set[str]
) -> tuple[dict[str, str], bool, bool] | None:
    """The public function of that name whose arguments fit the names given, as PostgREST
    picks it: (argument types by name, returns rows?, returns void?), or None."""
    rows = conn.execute(
        "SELECT p.proargnames, p.proargmodes::text[], p.pronargdefaults,"
        " array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t),"
        " p.proretset OR rt.typtype = 'c', p.prorettype = 'void'::regtype"
        " FROM pg_proc p JOIN pg_type rt ON rt.oid = p.prorettype"
        " WHERE p.pronamespace = 'public'::regnamespace AND p.proname = %s",
        (function,),
    ).fetchall()
    for names, modes, defaults, types, returns_rows, returns_void in rows:
        inputs = [
            n for n, m in zip(names or [], modes or ["i"] * len(names or []), strict=True)
            if m in ("i", "b", "v")
        ]  # fmt: skip
        required = set(inputs[: len(inputs) - defaults])
        if required <= given <= set(inputs):
            return dict(zip(inputs, types, strict=True)), returns_rows, returns_void
    return None


def _select(conn: psycopg.Connection[Any], relation: str, query: str) -> Any:
    columns: list[sql.Composable] = [sql.SQL("*")]
    where: list[sql.Composable] = []
    order: list[sql.Composable] = []
    limit: int | None = None
    offset = 0
    values: list[Any] = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "select":
            columns = (
                [sql.Identifier(_name(c)) for c in value.split(",")] if value != "*" else columns
            )
        elif key == "order":
            for term in value.split(","):
                column, _, direction = term.partition(".")
                way = sql.SQL("DESC" if direction.startswith("desc") else "ASC")
                order.append(sql.SQL("{} {}").format(sql.Identifier(_name(column)), way))
        elif key in ("limit", "offset"):
            if not value.isdigit():
                raise _Failure(400, "PGRST100", f'"failed to parse {key} parameter ({value})"')
            limit, offset = (int(value), offset) if key == "limit" else (limit, int(value))
        else:
            where.append(_filter(key, value, values))
    statement = sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(columns), sql.Identifier("public", relation)
    )
    if where:
        statement += sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where)
    if order:
        statement += sql.SQL(" ORDER BY ") + sql.SQL(", ").join(order)
    if limit is not None:
        statement += sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    statement += sql.SQL(" OFFSET {}").format(sql.Literal(offset))
    wrapped = sql.SQL("SELECT coalesce(jsonb_agg(to_jsonb(t)), '[]') FROM ({}) AS t").format(
        statement
    )
    row = conn.execute(wrapped, values).fetchone()
    return [] if row is None else row[0]


def _filter(column: str, value: str, values: list[Any]) -> sql.Composable:
    """One ``column=op.operand`` filter as SQL, its operand appended to ``values``."""
    operator, _, operand = value.partition(".")
    name = sql.Identifier(_name(column))
    if operator == "eq":
        values.append(operand)
        return sql.SQL("{} = %s").format(name)
    if operator == "in" and operand.startswith("(") and operand.endswith(")"):
        values.append(_in_list(operand[1:-1]))
        return sql.SQL("{} = ANY(%s)").format(name)
    raise _Failure(400, "PGRST100", f'"failed to parse filter ({value})"')


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise _Failure(400, "PGRST100", f'"failed to parse select parameter ({value})"')
    return value


def _in_list(text: str) -> list[str]:
    """The values of an ``in.(…)`` filter: comma-separated, double-quoted with backslash escapes."""
    items: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return items


def _handler(standin: PostgrestStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: pytest shows what matters

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            path = parts.path.removeprefix("/rest/v1/")
            fault = standin._take(method, path)
            if fault is not None and not fault.after_commit:
                if fault.drop:
                    self.close_connection = True
                    return
                status = fault.status or 503
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                error = {
                    "code": fault.code or str(status),
                    "details": None,
                    "hint": None,
                    "message": fault.message or f"Injected HTTP {status}",
                }
                self._answer(status, error, extra)
                return
            try:
                claims = standin.claims(self.headers)
                status, answer = standin.run(method, path, parts.query, body, claims)
            except _Failure as failure:
                self._answer(failure.status, failure.body, failure.headers)
                return
            finally:
                standin._committed(fault)
            if fault is not None:
                time.sleep(fault.delay)
                if fault.drop:
                    self.close_connection = True
                    return
            self._answer(status, answer)

        def _answer(
            self, status: int, answer: Any, headers: Mapping[str, str] | None = None
        ) -> None:
            payload = b"" if status == 204 else json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the delayed-reply fault)

    return Handler
