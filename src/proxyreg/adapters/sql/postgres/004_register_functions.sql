-- The batch RPC: register_proxy_activities(records jsonb) and its all-or-nothing twin.
--
-- Called as PostgREST calls it: POST /rpc/register_proxy_activities with the body
-- {"records": [...]} binds the array to `records` (an object {"records": [...]} is taken
-- too). Each element is one record:
--   {"client_key": text, "submission_id": text|null, "mentor_id": text,
--    "registered_by": text, "kind": text, "activity_date": "YYYY-MM-DD",
--    "minutes": int, "notes": text (optional, ""), "participants": int|null (optional)}
-- One row comes back per element, in input order, `idx` being its 0-based position.
-- Both functions are SECURITY INVOKER: every read and write goes through the caller's
-- row-level security, and the caller is private.caller_id(). The messages are memory.py's.

-- One element's answer.
create type private.element_result as (
    client_key text,
    status text,
    record_id text,
    error_code text,
    error_message text
);

-- The most records one call takes: the setting proxyreg.max_batch_size, 500 by default
-- (ALTER DATABASE … SET proxyreg.max_batch_size = 200; role settings of `authenticated` are
-- not applied by SET ROLE, though PostgREST applies them when it switches role).
create function private.max_batch_size() returns integer
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select coalesce(nullif(current_setting('proxyreg.max_batch_size', true), '')::integer, 500)
$$;

-- The records of a call, or the whole call refused: not a list (22023), or too many
-- (SQLSTATE PT413: PostgREST answers it as HTTP 413 Payload Too Large).
create function private.batch_items(records jsonb) returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
    items jsonb := records;
    size integer;
    most integer := private.max_batch_size();
begin
    if jsonb_typeof(items) = 'object' then
        items := items -> 'records';
    end if;
    if items is null or jsonb_typeof(items) is distinct from 'array' then
        raise exception 'register_proxy_activities takes a list of records: {"records": [...]}.'
            using errcode = 'invalid_parameter_value';
    end if;
    size := jsonb_array_length(items);
    if size > most then
        raise exception 'A batch holds at most % records; this one has %.', most, size
            using errcode = 'PT413',
                  detail = format('limit=%s size=%s', most, size),
                  hint = 'Send the records in smaller batches.';
    end if;
    return items;
end
$$;

-- Python's repr() of a string, for the "Unknown activity kind" message (exact for ASCII and
-- for the common invisible code points; other unprintable code points are shown as they are).
create function private.py_repr(value text) returns text
language plpgsql immutable
set search_path = pg_catalog, pg_temp
as $$
declare
    quote text := case when strpos(value, '''') > 0 and strpos(value, '"') = 0
                       then '"' else '''' end;
    shown text := '';
    ch text;
    code integer;
begin
    foreach ch in array regexp_split_to_array(value, '') loop
        code := ascii(ch);
        shown := shown || case
            when ch = quote or ch = '\' then '\' || ch
            when ch = E'\t' then '\t'
            when ch = E'\n' then '\n'
            when ch = E'\r' then '\r'
            when code < 32 or code = 127 or code between 128 and 160 or code = 173
                then '\x' || lpad(to_hex(code), 2, '0')
            when code between 8192 and 8207 or code between 8232 and 8239
                 or code between 8287 and 8303 or code = 12288 or code = 65279
                 or code between 65529 and 65531
                then '\u' || lpad(to_hex(code), 4, '0')
            else ch
        end;
    end loop;
    return quote || shown || quote;
end
$$;

-- One element, in its own subtransaction: what memory.py's _register_one does.
create function private.register_element(element jsonb) returns private.element_result
language plpgsql volatile
set search_path = public, pg_temp
as $$
#variable_conflict use_column
declare
    caller text := private.caller_id();
    key text;
    field text;
    problems text[] := '{}';
    malformed boolean := false;
    v jsonb;
    num numeric;
    parts text[];
    p_submission text;
    p_mentor text;
    p_registered_by text;
    p_kind text;
    kind_label text;
    kind_needs boolean;
    p_date date;
    p_minutes numeric;
    p_notes text := '';
    p_participants numeric;
    hash text;
    stored_id text;
    stored_hash text;
    mentor_name text;
    mentor_active boolean;
    new_id uuid;
begin
    begin
        -- The shape: a malformed element fails alone, as `invalid`.
        if jsonb_typeof(element) is distinct from 'object' then
            return row(null, 'rejected', null, 'invalid',
                       'This record is malformed: expected an object.')::private.element_result;
        end if;
        v := element -> 'client_key';
        if jsonb_typeof(v) is distinct from 'string' or v #>> '{}' = '' then
            return row(null, 'rejected', null, 'invalid',
                       'This record is malformed: it has no client_key.')::private.element_result;
        end if;
        key := v #>> '{}';
        foreach field in array array['mentor_id', 'registered_by'] loop
            if jsonb_typeof(element -> field) is distinct from 'string' then
                return row(key, 'rejected', null, 'invalid',
                           format('This record is malformed: %s must be text.', field)
                          )::private.element_result;
            end if;
        end loop;
        p_mentor := element ->> 'mentor_id';
        p_registered_by := element ->> 'registered_by';
        v := element -> 'submission_id';
        if v is not null and jsonb_typeof(v) not in ('string', 'null') then
            return row(key, 'rejected', null, 'invalid',
                       'This record is malformed: submission_id must be text.'
                      )::private.element_result;
        end if;
        p_submission := element ->> 'submission_id';

        -- The fields, checked as validate_draft checks them, in form order. A wrong type
        -- makes the element malformed: refused before anything else is looked at.
        v := element -> 'kind';
        if v is null or jsonb_typeof(v) = 'null' or v = '""'::jsonb then
            problems := array_append(problems, 'Choose the kind of activity.');
        elsif jsonb_typeof(v) <> 'string' then
            malformed := true;
            problems := array_append(problems, format('Unknown activity kind %s.', v));
        else
            p_kind := v #>> '{}';
            select k.label, k.needs into kind_label, kind_needs
            from (values ('home_visit', 'Home visit', false),
                         ('phone_call', 'Phone call', false),
                         ('digital_meeting', 'Digital meeting', false),
                         ('group_meeting', 'Group meeting', true),
                         ('training', 'Training session', true)) as k (id, label, needs)
            where k.id = p_kind;
            if kind_label is null then
                problems := array_append(
                    problems, format('Unknown activity kind %s.', private.py_repr(p_kind)));
            end if;
        end if;
        kind_needs := coalesce(kind_needs, false);
        p_kind := coalesce(p_kind, '');

        v := element -> 'activity_date';
        if v is null or jsonb_typeof(v) = 'null' then
            malformed := true;
            problems := array_append(problems, 'Enter the date of the activity.');
        else
            if jsonb_typeof(v) = 'string' then
                parts := regexp_match(v #>> '{}', '^(\d{4})-(\d{2})-(\d{2})$');
            end if;
            if parts is not null and parts[1]::integer >= 1
               and parts[2]::integer between 1 and 12 and parts[3]::integer >= 1 then
                p_date := make_date(parts[1]::integer, parts[2]::integer, 1);
                if parts[3]::integer <= extract(day from p_date + interval '1 month - 1 day')
                then
                    p_date := p_date + (parts[3]::integer - 1);
                else
                    p_date := null;
                end if;
            end if;
            if p_date is null then
                malformed := true;
                problems := array_append(problems, 'Enter the date as a calendar date.');
            end if;
        end if;

        v := element -> 'minutes';
        if v is null or jsonb_typeof(v) = 'null' then
            malformed := true;
            problems := array_append(problems, 'Enter the duration in minutes.');
        else
            if jsonb_typeof(v) = 'number' then
                num := v::numeric;
                if num = trunc(num) then
                    p_minutes := num;
                end if;
            end if;
            if p_minutes is null then
                malformed := true;
                problems := array_append(problems, 'The duration must be a whole number.');
            elsif p_minutes not between 1 and 1440 then
                problems := array_append(
                    problems, 'The duration must be between 1 and 1440 minutes.');
            end if;
        end if;

        v := element -> 'notes';
        if v is not null and jsonb_typeof(v) <> 'string' then
            malformed := true;
            problems := array_append(problems, 'Notes must be text.');
        elsif v is not null then
            p_notes := v #>> '{}';
            if char_length(p_notes) > 2000 then
                problems := array_append(problems, format(
                    'Notes can be at most 2000 characters (%s now).', char_length(p_notes)));
            elsif p_notes ~ '[\x01-\x08\x0b-\x1f\x7f]' then
                problems := array_append(
                    problems, 'Notes contain an invisible control character; remove it.');
            end if;
        end if;

        v := element -> 'participants';
        if jsonb_typeof(v) = 'null' then
            v := null;
        end if;
        if v is not null then
            if jsonb_typeof(v) = 'number' then
                num := v::numeric;
                if num = trunc(num) then
                    p_participants := num;
                end if;
            end if;
            if p_participants is null then
                malformed := true;
            end if;
        end if;
        if not kind_needs then
            if v is not null then
                problems := array_append(
                    problems, 'Only group activities take a participant count.');
            end if;
        elsif v is null then
            problems := array_append(
                problems, format('%s needs a participant count.', kind_label));
        elsif p_participants is null then
            problems := array_append(
                problems, 'The participant count must be a whole number.');
        elsif p_participants not between 1 and 1000 then
            problems := array_append(
                problems, 'The participant count must be between 1 and 1000.');
        end if;

        if malformed then
            return row(key, 'rejected', null, 'invalid', array_to_string(problems, ' ')
                      )::private.element_result;
        end if;

        -- A stored key (visible to the caller): a replay, or a conflict.
        hash := private.payload_hash(p_mentor, p_registered_by, p_kind, p_date, p_minutes,
                                     p_notes, p_participants);
        select pa.id::text, pa.payload_hash into stored_id, stored_hash
        from proxy_activities pa where pa.client_key = key;
        if found then
            if stored_hash = hash then
                return row(key, 'already_registered', stored_id, null,
                           'Already registered earlier.')::private.element_result;
            end if;
            return row(key, 'rejected', null, 'conflict',
                       'This record was already sent with different details; '
                       'nothing was changed.')::private.element_result;
        end if;

        -- Who may register it: only as yourself, only for a mentor assigned to you (as the
        -- caller sees the assignments: row-level security shows only their own), not paused.
        if caller is null or p_registered_by <> caller then
            return row(key, 'rejected', null, 'forbidden',
                       'You can only register activities as yourself.')::private.element_result;
        end if;
        select m.name, m.active into mentor_name, mentor_active
        from coordinator_mentors cm join mentors m on m.id = cm.mentor_id
        where cm.mentor_id = p_mentor and cm.coordinator_id = caller;
        if not found then
            return row(key, 'rejected', null, 'not_assigned',
                       'This mentor is not assigned to you.')::private.element_result;
        end if;
        if not mentor_active then
            return row(key, 'rejected', null, 'paused', format('%s is paused.', mentor_name)
                      )::private.element_result;
        end if;
        if cardinality(problems) > 0 then
            return row(key, 'rejected', null, 'invalid', array_to_string(problems, ' ')
                      )::private.element_result;
        end if;

        insert into proxy_activities as pa (
            client_key, submission_id, mentor_id, registered_by, kind, activity_date, minutes,
            notes, participants
        ) values (
            key, p_submission, p_mentor, p_registered_by, p_kind, p_date, p_minutes::integer,
            p_notes, p_participants::integer
        )
        on conflict on constraint proxy_activities_client_key_key do nothing
        returning pa.id into new_id;
        if new_id is not null then
            return row(key, 'registered', new_id::text, null, 'Registered.'
                      )::private.element_result;
        end if;
        -- Stored meanwhile by a concurrent call (now committed): judge it as a stored key.
        select pa.id::text, pa.payload_hash into stored_id, stored_hash
        from proxy_activities pa where pa.client_key = key;
        if found and stored_hash = hash then
            return row(key, 'already_registered', stored_id, null,
                       'Already registered earlier.')::private.element_result;
        end if;
        -- A different payload, or a key someone else stored (their record is not shown).
        return row(key, 'rejected', null, 'conflict',
                   'This record was already sent with different details; nothing was changed.'
                  )::private.element_result;
    exception
        -- query_canceled (a statement timeout) is not caught here: it ends the whole call.
        when serialization_failure or deadlock_detected or lock_not_available then
            return row(key, 'failed', null, null,
                       'The server was busy and did not save this record.'
                      )::private.element_result;
        when insufficient_privilege then
            return row(key, 'rejected', null, 'forbidden',
                       'You are not allowed to register this record.')::private.element_result;
        when others then
            return row(key, 'rejected', null, 'invalid',
                       'This record could not be stored: ' || sqlerrm)::private.element_result;
    end;
end
$$;

create function public.register_proxy_activities(records jsonb)
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
    answer private.element_result;
begin
    for i in 0 .. jsonb_array_length(items) - 1 loop
        answer := private.register_element(items -> i);
        idx := i;
        client_key := answer.client_key;
        status := answer.status;
        record_id := answer.record_id;
        error_code := answer.error_code;
        error_message := answer.error_message;
        return next;
    end loop;
end
$$;

-- All or nothing: the same answers when every record is registered or a replay; otherwise
-- nothing is stored, the records that failed keep their answer and the others say they
-- were rolled back (memory.py's rolled_back()).
create function public.register_proxy_activities_atomic(records jsonb)
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
    answers private.element_result[] := '{}';
    refused integer;
    undone boolean := false;
    message text;
begin
    begin
        for i in 0 .. jsonb_array_length(items) - 1 loop
            answers := answers || private.register_element(items -> i);
        end loop;
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
        select (a.n - 1)::integer,
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
        from unnest(answers) with ordinality as a (client_key, status, record_id, error_code,
                                                  error_message, n)
        order by a.n;
end
$$;

revoke all on function private.max_batch_size() from public;
revoke all on function private.batch_items(jsonb) from public;
revoke all on function private.py_repr(text) from public;
revoke all on function private.register_element(jsonb) from public;
revoke all on function public.register_proxy_activities(jsonb) from public;
revoke all on function public.register_proxy_activities_atomic(jsonb) from public;
grant execute on function private.max_batch_size() to authenticated;
grant execute on function private.batch_items(jsonb) to authenticated;
grant execute on function private.py_repr(text) to authenticated;
grant execute on function private.register_element(jsonb) to authenticated;
grant execute on function public.register_proxy_activities(jsonb) to authenticated;
grant execute on function public.register_proxy_activities_atomic(jsonb) to authenticated;
