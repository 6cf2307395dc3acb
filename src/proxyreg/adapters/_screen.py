"""Records no database can take (wrong types, lone surrogates), answered before a server call.

For the adapters whose record rules run on the server (PostgreSQL, Supabase): the
driver never sees such a record, it is answered ``rejected`` / ``invalid`` here, as
the domain's rules answer it in every other adapter, and the rest are sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from proxyreg.domain import Outcome, ProxyRecord, RecordResult, invalid, malformed, rolled_back

Call = Callable[[Sequence[ProxyRecord]], Awaitable[tuple[RecordResult, ...]]]


async def screened(
    records: Sequence[ProxyRecord], call: Call, *, atomic: bool = False
) -> tuple[RecordResult, ...]:
    """One answer per record in input order: malformed ones ``invalid``, the others ``call``'s.

    All or nothing with a malformed record sends nothing: the others are rolled back.
    """
    problems = {i: found for i, r in enumerate(records) if (found := malformed(r))}
    if not problems:
        return await call(records)
    if atomic:
        return rolled_back(
            [
                invalid(r, problems[i])
                if i in problems
                else RecordResult(r.client_key, Outcome.REGISTERED)
                for i, r in enumerate(records)
            ]
        )
    kept = [r for i, r in enumerate(records) if i not in problems]
    answers = iter(await call(kept) if kept else ())
    return tuple(
        invalid(r, problems[i]) if i in problems else next(answers) for i, r in enumerate(records)
    )
