-- The batch RPC set-based, and the ledger in the same call (register_submission).
--
-- 004 judged every element on its own, one statement after another in a subtransaction of
-- its own, calling private.caller_id() (a function with SET search_path, so never inlined)
-- several times per element. Here a call is three statements whatever its size:
--   classify: one pass over the array joined to the stored keys, the assignments and the
--             mentors, deciding every answer that does not need an insert;
--   insert:   every acceptable record in one INSERT … ON CONFLICT DO NOTHING RETURNING,
--             in client-key order (two calls with the same keys lock them in one order);
--   answer:   one row per element, in input order; a key skipped by the insert (stored by an
--             earlier element of the batch or by a concurrent call, now committed) is judged
--             against the stored row, as a replay or a conflict.
-- The answers are 004's, word for word. Only when classify or insert raises (an unexpected
-- constraint, a deadlock) is the batch judged again element by element, each in its own
-- subtransaction (004's private.register_element): never on the common path.
-- The caller's id is read once per call; the payload hash is taken once per record (by the
-- table's trigger for a stored record, in classify or answer for a replay or a conflict).
-- Everything stays SECURITY INVOKER under the caller's row-level security.

-- The payload hash without SET search_path: a SQL function that sets a GUC is never inlined
-- and costs a full call per row (it runs in the table's trigger for every insert). Every name
-- in it is schema-qualified, so no search_path can change what it computes.
create or replace function private.payload_hash(
    mentor_id text,
    registered_by text,
    kind text,
    activity_date date,
    minutes numeric,
    notes text,
    participants numeric
) returns text
language sql immutable
as $$
    select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(
        pg_catalog.jsonb_build_array(
            mentor_id, registered_by, kind, pg_catalog.to_char(activity_date, 'YYYY-MM-DD'),
            pg_catalog.trim_scale(minutes), notes, pg_catalog.trim_scale(participants)
        )::pg_catalog.text, 'UTF8')), 'hex')
$$;

-- A stored key is looked up as the caller's (row-level security filters on registered_by):
-- with both columns in one index the lookup is an index probe per key whatever the planner
-- believes about the table's size (a never-analyzed table looks tiny), never a walk through
-- the caller's records. The index on registered_by alone (for its foreign key) is its prefix.
create index proxy_activities_registered_by_key on proxy_activities (registered_by, client_key);
drop index proxy_activities_registered_by;

-- One element as classify judged it. `status` null: acceptable, to be inserted. `settled`:
-- the answer was decided before any insert (malformed, or its key was stored already).
-- `first_idx`: the first acceptable element with the same key (the one that is inserted).
create type private.judged as (
    idx integer,
    client_key text,
    submission_id text,
    mentor_id text,
    registered_by text,
    kind text,
    activity_date date,
    minutes numeric,
    notes text,
    participants numeric,
    status text,
    error_code text,
    error_message text,
    record_id text,
    settled boolean,
    first_idx integer
);

-- One answer: the batch's row, with the mentor the ledger files it under.
create type private.batch_answer as (
    idx integer,
    client_key text,
    mentor_id text,
    status text,
    record_id text,
    error_code text,
    error_message text
);

-- Classify: every element of `items` judged in one statement (answered as one array, in
-- input order), as 004's register_element
-- judges it, in the same order of checks (shape, fields, stored key, caller, assignment,
-- pause, field limits). Planned at each call (a SQL function's statements are not cached
-- across calls), so a plan made while the table was empty does not outlive it.
create function private.classify(items jsonb, caller text) returns private.judged[]
language sql stable
set search_path = public, pg_temp
as $$
    -- Each element's fields, checks and problems, computed once per element in one pass
    -- (each lateral step is fenced by OFFSET 0, so no expression is copied into the next).
    with p as materialized (
        select (t.n - 1)::integer as idx, t.el, a.*, b.*, c.*, d.*
        from jsonb_array_elements(items) with ordinality as t (el, n)
        cross join lateral (
            select t.el -> 'kind' as vk,
                   t.el -> 'activity_date' as vd,
                   t.el -> 'minutes' as vm,
                   t.el -> 'notes' as vn,
                   nullif(t.el -> 'participants', 'null'::jsonb) as vp,
                   case when jsonb_typeof(t.el -> 'client_key') = 'string'
                             and t.el ->> 'client_key' <> ''
                        then t.el ->> 'client_key' end as key,
                   case
                       when jsonb_typeof(t.el) is distinct from 'object'
                           then 'This record is malformed: expected an object.'
                       when jsonb_typeof(t.el -> 'client_key') is distinct from 'string'
                            or t.el ->> 'client_key' = ''
                           then 'This record is malformed: it has no client_key.'
                       when jsonb_typeof(t.el -> 'mentor_id') is distinct from 'string'
                           then 'This record is malformed: mentor_id must be text.'
                       when jsonb_typeof(t.el -> 'registered_by') is distinct from 'string'
                           then 'This record is malformed: registered_by must be text.'
                       when jsonb_typeof(t.el -> 'submission_id') not in ('string', 'null')
                           then 'This record is malformed: submission_id must be text.'
                   end as shape
            offset 0
        ) as a
        cross join lateral (
            select case when jsonb_typeof(a.vk) = 'string' then a.vk #>> '{}' end as kind_text,
                   case a.vk #>> '{}'
                       when 'home_visit' then 'Home visit'
                       when 'phone_call' then 'Phone call'
                       when 'digital_meeting' then 'Digital meeting'
                       when 'group_meeting' then 'Group meeting'
                       when 'training' then 'Training session'
                   end as label,
                   jsonb_typeof(a.vk) = 'string'
                       and a.vk #>> '{}' in ('group_meeting', 'training') as needs,
                   case when jsonb_typeof(a.vd) = 'string'
                        then regexp_match(a.vd #>> '{}', '^(\d{4})-(\d{2})-(\d{2})$') end as parts,
                   case when jsonb_typeof(a.vm) = 'number'
                             and a.vm::numeric = trunc(a.vm::numeric)
                        then a.vm::numeric end as minutes,
                   case when jsonb_typeof(a.vp) = 'number'
                             and a.vp::numeric = trunc(a.vp::numeric)
                        then a.vp::numeric end as participants,
                   case when a.vn is null then ''
                        when jsonb_typeof(a.vn) = 'string' then a.vn #>> '{}' end as notes
            offset 0
        ) as b
        cross join lateral (
            select case
                       when b.parts is null or b.parts[1]::integer < 1
                            or b.parts[2]::integer not between 1 and 12
                            or b.parts[3]::integer < 1
                           then null
                       when b.parts[3]::integer <= extract(day from make_date(
                                b.parts[1]::integer, b.parts[2]::integer, 1)
                                + interval '1 month - 1 day')
                           then make_date(b.parts[1]::integer, b.parts[2]::integer,
                                          b.parts[3]::integer)
                   end as activity_date
            offset 0
        ) as c
        cross join lateral (
            select (a.vk is not null and jsonb_typeof(a.vk) not in ('null', 'string'))
                   or c.activity_date is null
                   or b.minutes is null
                   or b.notes is null
                   or (a.vp is not null and b.participants is null) as malformed,
                   array_to_string(array[
                       case
                           when a.vk is null or jsonb_typeof(a.vk) = 'null'
                                or a.vk = '""'::jsonb
                               then 'Choose the kind of activity.'
                           when jsonb_typeof(a.vk) <> 'string'
                               then format('Unknown activity kind %s.', a.vk)
                           when b.label is null
                               then format('Unknown activity kind %s.',
                                           private.py_repr(b.kind_text))
                       end,
                       case
                           when a.vd is null or jsonb_typeof(a.vd) = 'null'
                               then 'Enter the date of the activity.'
                           when c.activity_date is null then 'Enter the date as a calendar date.'
                       end,
                       case
                           when a.vm is null or jsonb_typeof(a.vm) = 'null'
                               then 'Enter the duration in minutes.'
                           when b.minutes is null then 'The duration must be a whole number.'
                           when b.minutes not between 1 and 1440
                               then 'The duration must be between 1 and 1440 minutes.'
                       end,
                       case
                           when b.notes is null then 'Notes must be text.'
                           when char_length(b.notes) > 2000
                               then format('Notes can be at most 2000 characters (%s now).',
                                           char_length(b.notes))
                           when b.notes ~ '[\x01-\x08\x0b-\x1f\x7f]'
                               then 'Notes contain an invisible control character; remove it.'
                       end,
                       case
                           when not b.needs then
                               case when a.vp is not null
                                    then 'Only group activities take a participant count.' end
                           when a.vp is null
                               then format('%s needs a participant count.', b.label)
                           when b.participants is null
                               then 'The participant count must be a whole number.'
                           when b.participants not between 1 and 1000
                               then 'The participant count must be between 1 and 1000.'
                       end
                   ], ' ') as problems
            offset 0
        ) as d
    ),
    -- The stored keys this batch names, as row-level security shows them (one probe per key
    -- in the index above, registered_by coming from the policy), and the
    -- assignments of the mentors it names, each read once, then joined to the elements.
    stored as materialized (
        select pa.client_key, pa.id::text as id, pa.payload_hash
        from proxy_activities pa
        where pa.client_key = any (array(
              select p.key from p where p.shape is null and not p.malformed))
    ),
    assigned as materialized (
        select cm.mentor_id, m.name, m.active
        from (select distinct p.el ->> 'mentor_id' as mentor_id
              from p where p.shape is null and not p.malformed) as named
        join coordinator_mentors cm
            on cm.coordinator_id = caller and cm.mentor_id = named.mentor_id
        join mentors m on m.id = cm.mentor_id
    ),
    q as materialized (
        select p.*,
               st.id as stored_id,
               case when st.id is not null then st.payload_hash = private.payload_hash(
                   p.el ->> 'mentor_id', p.el ->> 'registered_by', coalesce(p.kind_text, ''),
                   p.activity_date, p.minutes, p.notes, p.participants) end as same,
               a.name as mentor_name,
               a.active
        from p
        left join stored st on st.client_key = p.key and p.shape is null and not p.malformed
        left join assigned a on a.mentor_id = p.el ->> 'mentor_id'
            and p.shape is null and not p.malformed
    )
    select coalesce(array_agg(row(w.*)::private.judged order by w.idx), '{}')
    from (
    select r.*, min(r.idx) filter (where r.status is null) over (partition by r.client_key)
    from (
    select q.idx,
           q.key,
           q.el ->> 'submission_id',
           q.el ->> 'mentor_id',
           q.el ->> 'registered_by',
           coalesce(q.kind_text, ''),
           q.activity_date,
           q.minutes,
           q.notes,
           q.participants,
           case
               when q.shape is not null or q.malformed then 'rejected'
               when q.same then 'already_registered'
               when q.stored_id is not null then 'rejected'
               when caller is null or q.el ->> 'registered_by' <> caller then 'rejected'
               when q.active is null then 'rejected'
               when not q.active then 'rejected'
               when q.problems <> '' then 'rejected'
           end,
           case
               when q.shape is not null or q.malformed then 'invalid'
               when q.same then null
               when q.stored_id is not null then 'conflict'
               when caller is null or q.el ->> 'registered_by' <> caller then 'forbidden'
               when q.active is null then 'not_assigned'
               when not q.active then 'paused'
               when q.problems <> '' then 'invalid'
           end,
           case
               when q.shape is not null then q.shape
               when q.malformed then q.problems
               when q.same then 'Already registered earlier.'
               when q.stored_id is not null
                   then 'This record was already sent with different details; '
                        'nothing was changed.'
               when caller is null or q.el ->> 'registered_by' <> caller
                   then 'You can only register activities as yourself.'
               when q.active is null then 'This mentor is not assigned to you.'
               when not q.active then format('%s is paused.', q.mentor_name)
               when q.problems <> '' then q.problems
           end,
           case when q.same then q.stored_id end,
           q.shape is not null or q.malformed or q.stored_id is not null as settled
    from q
    ) as r (idx, client_key, submission_id, mentor_id, registered_by, kind, activity_date,
            minutes, notes, participants, status, error_code, error_message, record_id,
            settled)
    ) as w
$$;

-- One batch, set-based: classify, insert, answer (see the top of this file). `caller` is
-- private.caller_id(), read once by the caller of this function. The statements that read
-- or write tables are run with EXECUTE, planned at each call with the tables as they are
-- now: a plan cached while a table was nearly empty would outlive it (a connection keeps
-- a function's plans), and no ANALYZE may be needed to replace it. The others work on
-- the call's own values only; what they look up by key is a jsonb object (a map).
create function private.register_batch(items jsonb, caller text)
returns setof private.batch_answer
language plpgsql volatile
set search_path = public, pg_temp
as $$
declare
    judged private.judged[];
    inserted jsonb;
    pending text[];
    stored jsonb := '{}';
    element jsonb;
    answer private.element_result;
begin
    begin
        judged := private.classify(items, caller);
        -- The first acceptable element of each key is inserted (in key order: two calls with
        -- the same keys lock them in the same order); a later one with the same key is
        -- answered against it, a replay or a conflict, as one after the other would be.
        execute $sql$
            with stored as (
                insert into proxy_activities as pa (
                    client_key, submission_id, mentor_id, registered_by, kind, activity_date,
                    minutes, notes, participants
                )
                select j.client_key, j.submission_id, j.mentor_id, j.registered_by, j.kind,
                       j.activity_date, j.minutes::integer, j.notes, j.participants::integer
                from unnest($1::private.judged[]) as j
                where j.status is null and j.first_idx = j.idx
                order by j.client_key
                on conflict on constraint proxy_activities_client_key_key do nothing
                returning pa.client_key, pa.id
            )
            select coalesce(jsonb_object_agg(s.client_key, s.id::text), '{}') from stored s
        $sql$ into inserted using judged;
    exception
        -- query_canceled (a statement timeout) is not caught: it ends the whole call.
        when others then
            judged := null;
    end;

    if judged is null then
        -- Something in the batch raised: judge each element alone, in its own subtransaction.
        for i in 0 .. jsonb_array_length(items) - 1 loop
            element := items -> i;
            answer := private.register_element(element);
            return next row(i, answer.client_key,
                            case when jsonb_typeof(element) = 'object'
                                 then element ->> 'mentor_id' end,
                            answer.status, answer.record_id, answer.error_code,
                            answer.error_message)::private.batch_answer;
        end loop;
        return;
    end if;

    -- The keys to judge against the stored row: a later element of a key stored in this
    -- call, and an acceptable element whose insert was skipped (stored meanwhile by a
    -- concurrent call, now committed, or a key the caller may not see).
    select array_agg(distinct j.client_key) into pending
    from unnest(judged) as j
    where not j.settled
      and ((j.status is null and not (j.first_idx = j.idx and inserted ? j.client_key))
           or (j.first_idx < j.idx and inserted ? j.client_key));
    if pending is not null then
        execute $sql$
            select coalesce(jsonb_object_agg(pa.client_key,
                                             jsonb_build_array(pa.id::text, pa.payload_hash)),
                            '{}')
            from proxy_activities pa
            where pa.client_key = any ($1)
        $sql$ into stored using pending;
    end if;

    return query
        select x.idx,
               x.client_key,
               x.mentor_id,
               case
                   when x.settled then x.status
                   when x.mine then 'registered'
                   when x.judge and x.same then 'already_registered'
                   when x.judge then 'rejected'
                   else x.status
               end,
               case
                   when x.settled then x.record_id
                   when x.mine then inserted ->> x.client_key
                   when x.judge and x.same then stored -> x.client_key ->> 0
               end,
               case
                   when x.settled then x.error_code
                   when x.mine then null
                   when x.judge and x.same then null
                   when x.judge then 'conflict'
                   else x.error_code
               end,
               case
                   when x.settled then x.error_message
                   when x.mine then 'Registered.'
                   when x.judge and x.same then 'Already registered earlier.'
                   when x.judge
                       then 'This record was already sent with different details; '
                            'nothing was changed.'
                   else x.error_message
               end
        from (
            select j.*,
                   y.mine,
                   y.judge,
                   case when y.judge and stored ? j.client_key
                        then (stored -> j.client_key ->> 1) = private.payload_hash(
                                 j.mentor_id, j.registered_by, j.kind, j.activity_date,
                                 j.minutes, j.notes, j.participants)
                   end as same
            from unnest(judged) as j
            cross join lateral (
                select not j.settled and j.status is null and j.first_idx = j.idx
                           and inserted ? j.client_key as mine,
                       not j.settled
                           and ((j.status is null
                                 and not (j.first_idx = j.idx and inserted ? j.client_key))
                                or (j.first_idx < j.idx and inserted ? j.client_key)) as judge
            ) as y
        ) as x
        order by x.idx;
end
$$;

create or replace function public.register_proxy_activities(records jsonb)
returns table (
    idx integer,
    client_key text,
    status text,
    record_id text,
    error_code text,
    error_message text
)
language sql volatile
security invoker
set search_path = public, pg_temp
as $$
    select a.idx, a.client_key, a.status, a.record_id, a.error_code, a.error_message
    from private.register_batch(private.batch_items(records), private.caller_id()) as a
$$;

-- All or nothing: the same answers when every record is registered or a replay; otherwise
-- nothing is stored, the records that failed keep their answer and the others say they
-- were rolled back (memory.py's rolled_back()).
create or replace function public.register_proxy_activities_atomic(records jsonb)
returns table (
    idx integer,
    client_key text,
    status text,
    record_id text,
    error_code text,
    error_message text
)
language plpgsql volatile
security invoker
set search_path = public, pg_temp
as $$
declare
    items jsonb := private.batch_items(records);
    answers private.batch_answer[] := '{}';
    refused integer;
    undone boolean := false;
    message text;
begin
    begin
        select coalesce(array_agg(a order by a.idx), '{}') into answers
        from private.register_batch(items, private.caller_id()) as a;
        if exists (select 1 from unnest(answers) a
                   where a.status not in ('registered', 'already_registered')) then
            raise exception 'not all records can be stored' using errcode = 'PXRBK';
        end if;
    exception when sqlstate 'PXRBK' then
        undone := true;  -- everything of this block is rolled back
    end;
    select count(*) into refused from unnest(answers) a where a.status = 'rejected';
    if refused > 0 then
        message := format('Not saved: all or nothing, and %s other record(s) were refused.',
                          refused);
    else
        message := 'Not saved: all or nothing, and another record hit a temporary problem.';
    end if;
    return query
        select a.idx,
               a.client_key,
               case when undone and a.status in ('registered', 'already_registered')
                    then case when refused > 0 then 'rejected' else 'failed' end
                    else a.status end,
               case when undone then null else a.record_id end,
               case when undone and a.status in ('registered', 'already_registered')
                    then case when refused > 0 then 'rolled_back' end
                    else a.error_code end,
               case when undone and a.status in ('registered', 'already_registered')
                    then message
                    else a.error_message end
        from unnest(answers) as a
        order by a.idx;
end
$$;

-- Keep a submission in the ledger: 005's ledger_record_submission, its statements planned
-- at each call (EXECUTE) so that none keeps a plan made while the ledger tables were nearly
-- empty (the check for mentors already held ran once per element).
create or replace function public.ledger_record_submission(submission jsonb) returns void
language plpgsql volatile
security invoker
set search_path = public, pg_temp
as $$
declare
    sid text := submission ->> 'id';
    visible boolean;
    last_position integer;
begin
    execute 'insert into submissions (id, coordinator_id, kind) values ($1, $2, $3)'
            ' on conflict (id) do nothing'
        using sid, submission ->> 'coordinator_id', submission ->> 'kind';
    -- One recorder per submission at a time: positions stay dense and unique.
    perform pg_advisory_xact_lock(hashtextextended('proxyreg.submission:' || sid, 0));
    execute 'select exists (select 1 from submissions s where s.id = $1)' into visible using sid;
    if not visible then
        raise exception 'Submission % belongs to another coordinator.', sid
            using errcode = 'insufficient_privilege';
    end if;
    execute 'select coalesce(max(r.position), -1) from submission_records r'
            ' where r.submission_id = $1'
        into last_position using sid;
    execute $sql$
        insert into submission_records (
            submission_id, position, client_key, record_submission_id, mentor_id,
            registered_by, kind, activity_date, minutes, notes, participants
        )
        select $1,
               $3 + (row_number() over (order by e.n))::integer,
               e.r ->> 'client_key',
               e.r ->> 'submission_id',
               e.r ->> 'mentor_id',
               e.r ->> 'registered_by',
               e.r ->> 'kind',
               (e.r ->> 'activity_date')::date,
               (e.r ->> 'minutes')::bigint,
               coalesce(e.r ->> 'notes', ''),
               (e.r ->> 'participants')::bigint
        from jsonb_array_elements($2 -> 'records') with ordinality as e (r, n)
        where $3 < 0 or not exists (
            select 1 from submission_records k
            where k.submission_id = $1 and k.mentor_id = e.r ->> 'mentor_id'
        )
        order by e.n
    $sql$ using sid, submission, last_position;
end
$$;

-- The ledger travels with the batch: keep `submission` in the ledger (as
-- ledger_record_submission does), register its records (as register_proxy_activities does:
-- at most the per-call limit) and keep their outcomes (as ledger_record_outcomes does), in
-- one call and one transaction: all of it, or none of it. `submission` is
-- {"id", "coordinator_id", "kind", "records": [element, ...]}. One row per record, in input
-- order, as register_proxy_activities answers; except that a record answered `failed` whose
-- ledger outcome was `unknown` before this call (an earlier send may have landed) answers
-- `unknown` (code no_answer) and its outcome is left for the client to settle. Another
-- coordinator's submission id: insufficient_privilege, nothing stored.
create function public.register_submission(submission jsonb)
returns table (
    idx integer,
    client_key text,
    status text,
    record_id text,
    error_code text,
    error_message text
)
language plpgsql volatile
security invoker
set search_path = public, pg_temp
as $$
declare
    sid text := submission ->> 'id';
    items jsonb := private.batch_items(submission -> 'records');
    doubted jsonb;
    answers private.batch_answer[];
begin
    perform public.ledger_record_submission(submission);
    execute $sql$
        select coalesce(jsonb_object_agg(o.mentor_id, true), '{}')
        from submission_outcomes o where o.submission_id = $1 and o.outcome = 'unknown'
    $sql$ into doubted using sid;
    select coalesce(array_agg(
               case when a.status = 'failed' and doubted ? a.mentor_id
                    then row(a.idx, a.client_key, a.mentor_id, 'unknown', null, 'no_answer',
                             'Not saved now, but an earlier attempt may have landed.'
                            )::private.batch_answer
                    else a end
               order by a.idx), '{}')
    into answers
    from private.register_batch(items, private.caller_id()) as a;
    -- The ledger files outcomes by mentor; a mentor twice in one call keeps its first answer.
    execute $sql$
        insert into submission_outcomes (submission_id, mentor_id, client_key, outcome,
                                         record_id, code, message)
        select distinct on (a.mentor_id)
               $1, a.mentor_id, a.client_key, a.status, a.record_id, a.error_code,
               coalesce(a.error_message, '')
        from unnest($2::private.batch_answer[]) as a
        where a.mentor_id is not null and a.client_key is not null and a.status <> 'unknown'
        order by a.mentor_id, a.idx
        on conflict (submission_id, mentor_id) do update set
            client_key = excluded.client_key, outcome = excluded.outcome,
            record_id = excluded.record_id, code = excluded.code,
            message = excluded.message, updated_at = now()
    $sql$ using sid, answers;
    return query
        select a.idx, a.client_key, a.status, a.record_id, a.error_code, a.error_message
        from unnest(answers) as a
        order by a.idx;
end
$$;

-- 004's per-element path stays as the fallback of register_batch.
revoke all on function private.classify(jsonb, text) from public;
revoke all on function private.register_batch(jsonb, text) from public;
revoke all on function public.register_submission(jsonb) from public, anon;
grant execute on function private.classify(jsonb, text) to authenticated;
grant execute on function private.register_batch(jsonb, text) to authenticated;
grant execute on function public.register_submission(jsonb) to authenticated;
