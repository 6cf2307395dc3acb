-- The tables, named as the SQLite backend names them.

create table chapters (
    id text primary key,
    name text not null
);

create table coordinators (
    id text primary key,
    name text not null,
    chapter_id text not null references chapters (id)
);

create table mentors (
    id text primary key,
    name text not null,
    chapter_id text not null references chapters (id),
    active boolean not null default true
);

-- Which mentors each coordinator may register for.
create table coordinator_mentors (
    coordinator_id text not null references coordinators (id) on delete cascade,
    mentor_id text not null references mentors (id) on delete cascade,
    primary key (coordinator_id, mentor_id)
);
create index coordinator_mentors_mentor on coordinator_mentors (mentor_id);

-- The proxy records. `client_key` is the idempotency key; `payload_hash` is what a
-- replay of the key must match (set by the trigger below from the row itself).
create table proxy_activities (
    id uuid primary key default gen_random_uuid(),
    client_key text not null unique,
    payload_hash text not null,
    submission_id text,
    mentor_id text not null references mentors (id),
    registered_by text not null references coordinators (id),
    kind text not null,
    activity_date date not null,
    minutes integer not null,
    notes text not null default '',
    participants integer,
    created_at timestamptz not null default now(),
    constraint proxy_activities_kind check (
        kind in ('home_visit', 'phone_call', 'digital_meeting', 'group_meeting', 'training')
    ),
    constraint proxy_activities_minutes check (minutes between 1 and 1440),
    constraint proxy_activities_notes_length check (char_length(notes) <= 2000),
    -- No control characters but newline and tab (NUL cannot be stored in text at all).
    constraint proxy_activities_notes_controls check (notes !~ '[\x01-\x08\x0b-\x1f\x7f]'),
    constraint proxy_activities_participants check (
        case when kind in ('group_meeting', 'training')
            then participants between 1 and 1000
            else participants is null
        end
    )
);
create index proxy_activities_registered_by on proxy_activities (registered_by);

-- The submission ledger: each submission, every record ever sent under its id (enough to
-- rebuild each ProxyRecord exactly, unchecked: the ledger keeps what was submitted), and
-- the latest outcome per mentor.
create table submissions (
    id text primary key,
    coordinator_id text not null references coordinators (id),
    kind text not null,
    seq bigint generated always as identity unique,
    created_at timestamptz not null default now()
);
create index submissions_latest on submissions (coordinator_id, kind, seq desc);

create table submission_records (
    submission_id text not null references submissions (id) on delete cascade,
    position integer not null,
    client_key text not null,
    record_submission_id text not null,
    mentor_id text not null,
    registered_by text not null,
    kind text not null,
    activity_date date not null,
    minutes bigint not null,
    notes text not null,
    participants bigint,
    primary key (submission_id, position)
);

create table submission_outcomes (
    submission_id text not null references submissions (id) on delete cascade,
    mentor_id text not null,
    client_key text not null,
    outcome text not null
        check (outcome in ('registered', 'already_registered', 'rejected', 'failed', 'unknown')),
    record_id text,
    code text,
    message text not null,
    seq bigint generated always as identity,
    updated_at timestamptz not null default now(),
    primary key (submission_id, mentor_id)
);

-- What a replay of a client key must match: the record's payload (ProxyRecord.payload()),
-- canonically encoded and hashed.
create function private.payload_hash(
    mentor_id text,
    registered_by text,
    kind text,
    activity_date date,
    minutes numeric,
    notes text,
    participants numeric
) returns text
language sql immutable
set search_path = pg_catalog, pg_temp
as $$
    select encode(sha256(convert_to(jsonb_build_array(
        mentor_id, registered_by, kind, to_char(activity_date, 'YYYY-MM-DD'),
        trim_scale(minutes), notes, trim_scale(participants)
    )::text, 'UTF8')), 'hex')
$$;

create function private.set_payload_hash() returns trigger
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
begin
    new.payload_hash := private.payload_hash(
        new.mentor_id, new.registered_by, new.kind, new.activity_date,
        new.minutes, new.notes, new.participants
    );
    return new;
end
$$;

create trigger proxy_activities_payload_hash
    before insert or update on proxy_activities
    for each row execute function private.set_payload_hash();

revoke all on function private.payload_hash(text, text, text, date, numeric, text, numeric)
    from public;
revoke all on function private.set_payload_hash() from public;
grant execute on function private.payload_hash(text, text, text, date, numeric, text, numeric)
    to authenticated;
grant execute on function private.set_payload_hash() to authenticated;
