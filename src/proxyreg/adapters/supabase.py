"""The Supabase backend: the PostgreSQL schema's batch RPC and ledger over PostgREST (HTTP).

`SupabaseRepository` talks to a Supabase project's REST API with the official ``supabase``
client, signed in as one coordinator: the project URL, its anon key (the ``apikey`` the API
gateway wants) and the coordinator's access token (a JWT whose ``sub`` is the coordinator
id). PostgREST checks the token, switches to its role and runs each request in one
transaction, so row-level security and the SQL functions are the same as for
`proxyreg.adapters.postgres` (migrations ``sql/postgres/001…005``).

What comes back is mapped as the port wants it:

- a batch call's rows are the per-record results, in input order;
- the whole call refused (400, 401, 403, 409, any other 4xx): every record ``rejected`` with
  the server's message (nothing was stored: PostgREST rolled the request back);
- 413 (SQLSTATE ``PT413``): `BatchTooLargeError`; the batch function missing (404
  ``PGRST202``): `BatchUnsupportedError`;
- 429 and 503: `TransientError` with the server's Retry-After (nothing was stored);
- a read that finds no table, view or ledger function (``PGRST205``, ``PGRST202``,
  ``42P01``): `NoSchemaError`, the project has no proxyreg schema yet;
- any other 5xx (`ServerError`), a read timeout (`TimeoutError`) or a dropped or refused
  connection (`ConnectionError`): no answer, every record in doubt; the orchestrator asks
  `find_registered`, through the same API, which of them landed.

The client never retries by itself: postgrest-py never resends a POST, and its resending of a
GET (after a dropped connection or a 503) is turned off. Every retry is the orchestrator's,
with the same keys.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import json
import math
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Protocol

import httpx
from postgrest import APIResponse
from supabase import AsyncClient, AsyncClientOptions, acreate_client

from proxyreg._closable import Closable
from proxyreg.adapters._pg_wire import ledger_entry_of, pg_text, rpc_element
from proxyreg.adapters._screen import screened
from proxyreg.domain import (
    Coordinator,
    LedgerEntry,
    Mentor,
    Outcome,
    ProxyRecord,
    RecordResult,
    Roster,
    Submission,
)
from proxyreg.ports import (
    CONFLICT,
    FORBIDDEN,
    INVALID,
    BatchTooLargeError,
    BatchUnsupportedError,
    NoSchemaError,
    TransientError,
    UnknownCoordinatorError,
    UnknownSubmissionError,
)

__all__ = ["ApiError", "ServerError", "SupabaseRepository", "token_subject"]

RETRYABLE_STATUSES = frozenset({429, 503})
"""Refused for now, nothing stored: the orchestrator may send again (after Retry-After)."""

_REJECTION_CODES = {400: INVALID, 401: FORBIDDEN, 403: FORBIDDEN, 409: CONFLICT}
_FUNCTION_NOT_FOUND = "PGRST202"
# A table, function or schema the API cannot find (PostgREST's codes and PostgreSQL's).
_NO_SCHEMA_CODES = frozenset({"PGRST202", "PGRST205", "42P01", "42883", "3F000"})
_KEYS_PER_LOOKUP = 100  # client keys per GET: the URL stays far below gateway limits
_PAGE = 1000  # rows per GET: Supabase answers at most 1,000 rows (its default max-rows)


class ApiError(Exception):
    """The API answered with an error: its HTTP status and PostgREST's JSON error fields."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: str | None = None,
        hint: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.code = code
        self.details = details
        self.hint = hint
        self.retry_after = retry_after


class ServerError(ApiError):
    """A 5xx other than 503: the request may or may not have been committed."""


def token_subject(access_token: str) -> str:
    """The ``sub`` claim of a JWT, read without checking the signature (the server checks it).

    Raises `ValueError` for a token that is not a JWT with a ``sub``.
    """
    parts = access_token.split(".")
    if len(parts) != 3:
        raise ValueError("The access token is not a JWT (header.payload.signature).")
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("The access token's payload is not readable JSON.") from exc
    subject = claims.get("sub") if isinstance(claims, dict) else None
    if not isinstance(subject, str) or not subject:
        raise ValueError("The access token names no coordinator (no `sub` claim).")
    return subject


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """A Retry-After header in seconds: delta-seconds or an HTTP date; None when absent or bad."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - (now or dt.datetime.now(dt.UTC))).total_seconds()
    return max(seconds, 0.0) if math.isfinite(seconds) else None


async def _raise_on_error_status(response: httpx.Response) -> None:
    # postgrest-py's APIError keeps the JSON body only; the status and Retry-After are needed.
    if response.is_error:
        await response.aread()
        response.raise_for_status()


def _api_error(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = None
    fields = body if isinstance(body, dict) else {}
    message = fields.get("message") or response.reason_phrase or f"HTTP {response.status_code}"
    in_doubt = response.status_code >= 500 and response.status_code not in RETRYABLE_STATUSES
    kind = ServerError if in_doubt else ApiError
    return kind(
        response.status_code,
        str(message),
        code=_optional_text(fields.get("code")),
        details=_optional_text(fields.get("details")),
        hint=_optional_text(fields.get("hint")),
        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
    )


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


class Query(Protocol):
    """A request built with the client (a table read, an rpc call), ready to send."""

    def execute(self) -> Awaitable[APIResponse]: ...


class SupabaseRepository(Closable):
    """The repository port over a Supabase project's REST API, signed in as one coordinator.

    Like `PostgresRepository`: it acts as the token's coordinator only (records
    registered by anyone else answer ``forbidden``; another coordinator's records and
    submissions cannot be seen).
    """

    def __init__(
        self,
        client: AsyncClient,
        http: httpx.AsyncClient,
        coordinator_id: str,
        *,
        max_batch_size: int = 500,
        ledger_in_call: bool = False,
    ) -> None:
        if max_batch_size < 1:
            raise ValueError(f"max_batch_size must be at least 1, got {max_batch_size}.")
        self._client = client
        self._http = http
        self._coordinator_id = coordinator_id
        self._max_batch_size = max_batch_size
        # register_submission is sent only when asked for, and until the server says it has
        # no such function; otherwise it refuses at once (no request): the separate calls run.
        self._submission_call = ledger_in_call

    @classmethod
    async def open(
        cls,
        url: str,
        anon_key: str,
        access_token: str,
        *,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        max_batch_size: int = 500,
        ledger_in_call: bool = False,
    ) -> SupabaseRepository:
        """A repository on the project at ``url``, acting as the access token's coordinator.

        ``timeout`` bounds each read of an answer: past it the call's records are in doubt
        (keep it below the orchestrator's attempt timeout). With ``ledger_in_call`` an rpc
        submission that fits one call is one request (``register_submission``: the ledger,
        the records and their outcomes in one transaction); without it, the separate calls.
        Closed by `close`.
        """
        coordinator_id = token_subject(access_token)
        http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            event_hooks={"response": [_raise_on_error_status]},
        )
        options = AsyncClientOptions(
            auto_refresh_token=False,
            persist_session=False,
            httpx_client=http,
            postgrest_client_retry=False,
        )
        options.headers["Authorization"] = f"Bearer {access_token}"
        try:
            client = await acreate_client(url, anon_key, options)
        except BaseException:
            await http.aclose()
            raise
        return cls(
            client,
            http,
            coordinator_id,
            max_batch_size=max_batch_size,
            ledger_in_call=ledger_in_call,
        )

    async def close(self) -> None:
        await self._http.aclose()

    @property
    def coordinator_id(self) -> str:
        """The coordinator this repository acts as (the access token's ``sub``)."""
        return self._coordinator_id

    @property
    def max_batch_size(self) -> int:
        return self._max_batch_size

    async def _send(self, query: Query) -> Any:
        """Run one request; errors come out as `ApiError`, `TimeoutError`, `ConnectionError`."""
        try:
            response = await query.execute()
        except httpx.HTTPStatusError as exc:
            raise _api_error(exc.response) from exc
        except httpx.TimeoutException as exc:
            raise TimeoutError(f"No answer from the API in time ({type(exc).__name__}).") from exc
        except httpx.TransportError as exc:
            raise ConnectionError(f"The connection to the API failed: {exc!r}") from exc
        return response.data

    async def _read(self, query: Query) -> Any:
        """`_send` for calls that store nothing per record: refusals become exceptions."""
        try:
            return await self._send(query)
        except ServerError:
            raise
        except ApiError as error:
            if error.status in RETRYABLE_STATUSES:
                raise TransientError(error.status, error.message, error.retry_after) from error
            if error.status in (401, 403):
                raise PermissionError(error.message) from error
            if error.code in _NO_SCHEMA_CODES:
                raise NoSchemaError() from error
            raise

    async def _rows(self, table: str, columns: str, **equal: str) -> list[dict[str, Any]]:
        """Every row of ``table`` with these column values, page by page (ordered by id)."""
        rows: list[dict[str, Any]] = []
        while True:
            query = self._client.table(table).select(columns)
            for column, value in equal.items():
                query = query.eq(column, value)
            page = await self._read(query.order("id").range(len(rows), len(rows) + _PAGE - 1))
            rows.extend(page)
            if len(page) < _PAGE:
                return rows

    # --- roster ----------------------------------------------------------------------
    async def roster(self) -> Roster:
        coordinator_id = self._coordinator_id
        found = await self._rows("coordinators", "id,name,chapter_id", id=coordinator_id)
        if not found:
            raise UnknownCoordinatorError(coordinator_id)
        head = found[0]
        coordinator = Coordinator(head["id"], head["name"], head["chapter_id"])
        rows = await self._rows(
            "roster_mentors", "id,name,chapter_id,active", coordinator_id=coordinator_id
        )
        mentors = sorted(
            (Mentor(r["id"], r["name"], r["chapter_id"], r["active"]) for r in rows),
            # Code point order: what PostgresRepository's ORDER BY … COLLATE "C" gives.
            key=lambda m: (m.name, m.id),
        )
        return Roster(coordinator, tuple(mentors))

    # --- register --------------------------------------------------------------------
    async def register(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        if not records:
            return ()
        return await screened(
            records, lambda rs: self._call("register_proxy_activities", rs, batch=True)
        )

    async def register_one(self, record: ProxyRecord) -> RecordResult:
        (result,) = await screened(
            [record], lambda rs: self._call("register_proxy_activities", rs, batch=False)
        )
        return result

    async def register_atomic(self, records: Sequence[ProxyRecord]) -> tuple[RecordResult, ...]:
        self._check_size(records)
        if not records:
            return ()
        return await screened(
            records,
            lambda rs: self._call("register_proxy_activities_atomic", rs, batch=True),
            atomic=True,
        )

    async def register_submission(self, submission: Submission) -> tuple[RecordResult, ...]:
        """The submission, its records and their outcomes in one request (see the port)."""
        self._check_size(submission.records)
        if not self._submission_call:
            raise BatchUnsupportedError("register_submission is not in use for this server.")
        entry = {
            "id": submission.id,
            "coordinator_id": submission.coordinator_id,
            "kind": submission.kind,
            "records": [rpc_element(r) for r in submission.records],
        }
        query = self._client.rpc("register_submission", {"submission": entry})
        try:
            rows = await self._send(query)
        except ServerError:
            raise  # no answer to rely on: the records and their ledger rows are in doubt
        except ApiError as error:
            if error.status in RETRYABLE_STATUSES:
                raise TransientError(error.status, error.message, error.retry_after) from error
            if error.status == 413:
                limit = _limit_in(error.details) or self._max_batch_size
                raise BatchTooLargeError(len(submission.records), limit) from error
            if error.status == 404 and error.code == _FUNCTION_NOT_FOUND:
                self._submission_call = False
                raise BatchUnsupportedError(error.message) from error
            if error.status in (401, 403):
                raise PermissionError(error.message) from error
            raise
        return _results("register_submission", submission.records, rows)

    def _check_size(self, records: Sequence[ProxyRecord]) -> None:
        if len(records) > self._max_batch_size:
            raise BatchTooLargeError(len(records), self._max_batch_size)

    async def _call(
        self, function: str, records: Sequence[ProxyRecord], *, batch: bool
    ) -> tuple[RecordResult, ...]:
        query = self._client.rpc(function, {"records": [rpc_element(r) for r in records]})
        try:
            rows = await self._send(query)
        except ServerError:
            raise  # no answer to rely on: the records are in doubt
        except ApiError as error:
            if error.status in RETRYABLE_STATUSES:
                raise TransientError(error.status, error.message, error.retry_after) from error
            if error.status == 413:
                limit = _limit_in(error.details) or self._max_batch_size
                raise BatchTooLargeError(len(records), limit) from error
            if batch and error.status == 404 and error.code == _FUNCTION_NOT_FOUND:
                raise BatchUnsupportedError(error.message) from error
            code = _REJECTION_CODES.get(error.status, INVALID)
            return tuple(
                RecordResult(r.client_key, Outcome.REJECTED, code=code, message=error.message)
                for r in records
            )
        return _results(function, records, rows)

    # --- reconciliation --------------------------------------------------------------
    async def find_registered(self, client_keys: Sequence[str]) -> Mapping[str, str]:
        stored: dict[str, str] = {}
        sent = list(dict.fromkeys(pg_text(k) for k in client_keys))
        for start in range(0, len(sent), _KEYS_PER_LOOKUP):
            query = (
                self._client.table("proxy_activities")
                .select("client_key,id")
                .in_("client_key", sent[start : start + _KEYS_PER_LOOKUP])
            )
            for row in await self._read(query):
                stored[str(row["client_key"])] = str(row["id"])
        return {key: stored[pg_text(key)] for key in client_keys if pg_text(key) in stored}

    # --- ledger ----------------------------------------------------------------------
    async def record_submission(self, submission: Submission) -> None:
        entry = {
            "id": submission.id,
            "coordinator_id": submission.coordinator_id,
            "kind": submission.kind,
            "records": [rpc_element(r) for r in submission.records],
        }
        try:
            await self._read(self._client.rpc("ledger_record_submission", {"submission": entry}))
        except PermissionError as exc:
            raise PermissionError(
                f"Submission {submission.id!r} is not {self._coordinator_id}'s to record: {exc}"
            ) from exc

    async def record_outcomes(
        self, submission_id: str, outcomes: Mapping[str, RecordResult]
    ) -> None:
        answers = [
            {
                "mentor_id": mentor_id,
                "client_key": result.client_key,
                "outcome": result.outcome.value,
                "record_id": result.record_id,
                "code": result.code,
                "message": result.message,
            }
            for mentor_id, result in outcomes.items()
        ]
        params = {"submission": submission_id, "outcomes": answers}
        kept = await self._read(self._client.rpc("ledger_record_outcomes", params))
        if kept is not True:
            raise UnknownSubmissionError(submission_id)

    async def ledger_entry(self, submission_id: str) -> LedgerEntry | None:
        entries = await self._entries(submission=submission_id)
        return entries[0] if entries else None

    async def latest_submission(self, kind: str = "bulk") -> LedgerEntry | None:
        coordinator_id = self._coordinator_id
        entries = await self._entries(coordinator=coordinator_id, of_kind=kind, newest=1)
        return entries[0] if entries else None

    async def submissions(self) -> Sequence[LedgerEntry]:
        coordinator_id = self._coordinator_id
        return await self._entries(coordinator=coordinator_id)

    async def _entries(self, **filters: object) -> list[LedgerEntry]:
        found = await self._read(self._client.rpc("ledger_entries", dict(filters)))
        return [ledger_entry_of(item) for item in found]


def _results(function: str, records: Sequence[ProxyRecord], rows: Any) -> tuple[RecordResult, ...]:
    if not isinstance(rows, list) or [row.get("idx") for row in rows] != list(range(len(records))):
        raise RuntimeError(f"{function} did not answer one row per record, in order: {rows!r}")
    return tuple(
        RecordResult(
            record.client_key,
            Outcome(row["status"]),
            row.get("record_id"),
            code=row.get("error_code"),
            message=row.get("error_message") or "",
        )
        for record, row in zip(records, rows, strict=True)
    )


def _limit_in(details: str | None) -> int | None:
    """The server's batch limit, from the details of its PT413 error (``limit=N size=M``)."""
    for part in (details or "").split():
        name, _, value = part.partition("=")
        if name == "limit" and value.isdigit():
            return int(value)
    return None
