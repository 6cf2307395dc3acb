-- What a client that only speaks PostgREST (the Supabase HTTP adapter) needs beyond 004: the
-- roster as one readable relation, and the ledger as functions, so that each ledger call is
-- one request and therefore one transaction (PostgREST runs every request in its own).
-- Everything here is SECURITY INVOKER: row-level security of 003 applies as it does to the
-- PostgreSQL adapter's own statements.

-- A coordinator's mentors: GET /roster_mentors?coordinator_id=eq.<id>. The invoker's
-- row-level security decides what shows (only the caller's own assignments).
create view public.roster_mentors with (security_invoker = true) as
    select cm.coordinator_id, m.id, m.name, m.chapter_id, m.active
    from coordinator_mentors cm
    join mentors m on m.id = cm.mentor_id;

-- Keep a submission in the ledger (PostgresRepository.record_submission, in one call):
-- `submission` is {"id", "coordinator_id", "kind", "records": [element, ...]}, each element
-- shaped as for register_proxy_activities. Recording an id again adds only the mentors it
-- does not hold yet. Another coordinator's submission id: insufficient_privilege (HTTP 403).
create function public.ledger_record_submission(submission jsonb) returns void
language plpgsql volatile
security invoker
set search_path = public, pg_temp
as $$
declare
    sid text := submission ->> 'id';
    last_position integer;
begin
    insert into submissions (id, coordinator_id, kind)
    values (sid, submission ->> 'coordinator_id', submission ->> 'kind')
    on conflict (id) do nothing;
    -- One recorder per submission at a time: positions stay dense and unique.
    perform pg_advisory_xact_lock(hashtextextended('proxyreg.submission:' || sid, 0));
    if not exists (select 1 from submissions s where s.id = sid) then
        raise exception 'Submission % belongs to another coordinator.', sid
            using errcode = 'insufficient_privilege';
    end if;
    select coalesce(max(r.position), -1) into last_position
    from submission_records r where r.submission_id = sid;
    insert into submission_records (
        submission_id, position, client_key, record_submission_id, mentor_id, registered_by,
        kind, activity_date, minutes, notes, participants
    )
    select sid,
           last_position + (row_number() over (order by e.n))::integer,
           e.r ->> 'client_key',
           e.r ->> 'submission_id',
           e.r ->> 'mentor_id',
           e.r ->> 'registered_by',
           e.r ->> 'kind',
           (e.r ->> 'activity_date')::date,
           (e.r ->> 'minutes')::bigint,
           coalesce(e.r ->> 'notes', ''),
           (e.r ->> 'participants')::bigint
    from jsonb_array_elements(submission -> 'records') with ordinality as e (r, n)
    where not exists (
        select 1 from submission_records k
        where k.submission_id = sid and k.mentor_id = e.r ->> 'mentor_id'
    )
    order by e.n;
end
$$;

-- Keep the latest outcome of these mentors' records: `outcomes` is a list of
-- {"mentor_id", "client_key", "outcome", "record_id", "code", "message"}. Answers false, and
-- changes nothing, when the caller's ledger holds no such submission.
create function public.ledger_record_outcomes(submission text, outcomes jsonb) returns boolean
language plpgsql volatile
security invoker
set search_path = public, pg_temp
as $$
begin
    if not exists (select 1 from submissions s where s.id = submission) then
        return false;
    end if;
    insert into submission_outcomes (submission_id, mentor_id, client_key, outcome, record_id,
                                     code, message)
    select submission, o.v ->> 'mentor_id', o.v ->> 'client_key', o.v ->> 'outcome',
           o.v ->> 'record_id', o.v ->> 'code', o.v ->> 'message'
    from jsonb_array_elements(outcomes) with ordinality as o (v, n)
    order by o.n
    on conflict (submission_id, mentor_id) do update set
        client_key = excluded.client_key, outcome = excluded.outcome,
        record_id = excluded.record_id, code = excluded.code,
        message = excluded.message, updated_at = now();
    return true;
end
$$;

-- Submissions of the caller's ledger, newest first, each with its records (in submission
-- order) and latest outcomes (in the order they were first recorded), as one JSON list.
-- Every filter is optional: one submission by id, a coordinator's, of a kind, the newest N.
create function public.ledger_entries(
    submission text default null,
    coordinator text default null,
    of_kind text default null,
    newest integer default null
) returns jsonb
language sql stable
security invoker
set search_path = public, pg_temp
as $$
    select coalesce(jsonb_agg(e.entry order by e.seq desc), '[]'::jsonb)
    from (
        select s.seq, jsonb_build_object(
            'id', s.id,
            'coordinator_id', s.coordinator_id,
            'kind', s.kind,
            'records', (
                select coalesce(jsonb_agg(jsonb_build_object(
                    'client_key', r.client_key,
                    'submission_id', r.record_submission_id,
                    'mentor_id', r.mentor_id,
                    'registered_by', r.registered_by,
                    'kind', r.kind,
                    'activity_date', to_char(r.activity_date, 'YYYY-MM-DD'),
                    'minutes', r.minutes,
                    'notes', r.notes,
                    'participants', r.participants
                ) order by r.position), '[]'::jsonb)
                from submission_records r where r.submission_id = s.id
            ),
            'outcomes', (
                select coalesce(jsonb_agg(jsonb_build_object(
                    'mentor_id', o.mentor_id,
                    'client_key', o.client_key,
                    'outcome', o.outcome,
                    'record_id', o.record_id,
                    'code', o.code,
                    'message', o.message
                ) order by o.seq), '[]'::jsonb)
                from submission_outcomes o where o.submission_id = s.id
            )
        ) as entry
        from submissions s
        where (ledger_entries.submission is null or s.id = ledger_entries.submission)
          and (ledger_entries.coordinator is null or s.coordinator_id = ledger_entries.coordinator)
          and (ledger_entries.of_kind is null or s.kind = ledger_entries.of_kind)
        order by s.seq desc
        limit ledger_entries.newest
    ) as e
$$;

-- Grants: `authenticated` only. Supabase's default privileges also grant new tables, views
-- and functions in `public` to `anon` directly (not through PUBLIC), so revoke from it by name.
revoke all on public.roster_mentors from public, anon, authenticated;
grant select on public.roster_mentors to authenticated;

revoke all on function public.ledger_record_submission(jsonb) from public, anon;
revoke all on function public.ledger_record_outcomes(text, jsonb) from public, anon;
revoke all on function public.ledger_entries(text, text, text, integer) from public, anon;
revoke all on function public.register_proxy_activities(jsonb) from anon;
revoke all on function public.register_proxy_activities_atomic(jsonb) from anon;
grant execute on function public.ledger_record_submission(jsonb) to authenticated;
grant execute on function public.ledger_record_outcomes(text, jsonb) to authenticated;
grant execute on function public.ledger_entries(text, text, text, integer) to authenticated;
