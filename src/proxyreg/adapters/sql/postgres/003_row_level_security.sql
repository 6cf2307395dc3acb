-- Row-level security on every table; policies for `authenticated` only (`anon` gets nothing).
-- `(select private.caller_id())` is evaluated once per statement, not once per row.

alter table schema_migrations enable row level security;
alter table chapters enable row level security;
alter table coordinators enable row level security;
alter table mentors enable row level security;
alter table coordinator_mentors enable row level security;
alter table proxy_activities enable row level security;
alter table submissions enable row level security;
alter table submission_records enable row level security;
alter table submission_outcomes enable row level security;

revoke all on all tables in schema public from public, anon, authenticated;
revoke all on all sequences in schema public from public, anon, authenticated;
revoke all on all functions in schema public from public, anon, authenticated;

-- A coordinator reads their own row, the assignments to them, their assigned mentors and
-- those mentors' chapters.
create policy coordinators_own on coordinators
    for select to authenticated
    using (id = (select private.caller_id()));

create policy coordinator_mentors_own on coordinator_mentors
    for select to authenticated
    using (coordinator_id = (select private.caller_id()));

create policy mentors_assigned on mentors
    for select to authenticated
    using (exists (
        select 1 from coordinator_mentors cm
        where cm.mentor_id = mentors.id and cm.coordinator_id = (select private.caller_id())
    ));

create policy chapters_of_assigned_mentors on chapters
    for select to authenticated
    using (exists (select 1 from mentors m where m.chapter_id = chapters.id));

grant select on chapters, coordinators, mentors, coordinator_mentors to authenticated;

-- Proxy records: read and insert only your own, for mentors assigned to you. No updates,
-- no deletes. The id, the payload hash and the time are the server's.
create policy proxy_activities_read_own on proxy_activities
    for select to authenticated
    using (
        registered_by = (select private.caller_id())
        and exists (
            select 1 from coordinator_mentors cm
            where cm.mentor_id = proxy_activities.mentor_id
              and cm.coordinator_id = (select private.caller_id())
        )
    );

create policy proxy_activities_insert_own on proxy_activities
    for insert to authenticated
    with check (
        registered_by = (select private.caller_id())
        and exists (
            select 1 from coordinator_mentors cm
            where cm.mentor_id = proxy_activities.mentor_id
              and cm.coordinator_id = (select private.caller_id())
        )
    );

grant select on proxy_activities to authenticated;
grant insert (
    client_key, submission_id, mentor_id, registered_by, kind, activity_date, minutes, notes,
    participants
) on proxy_activities to authenticated;

-- The ledger: your own submissions, their records and outcomes.
create policy submissions_own on submissions
    for all to authenticated
    using (coordinator_id = (select private.caller_id()))
    with check (coordinator_id = (select private.caller_id()));

create policy submission_records_own on submission_records
    for all to authenticated
    using (exists (
        select 1 from submissions s where s.id = submission_records.submission_id
    ))
    with check (exists (
        select 1 from submissions s where s.id = submission_records.submission_id
    ));

create policy submission_outcomes_own on submission_outcomes
    for all to authenticated
    using (exists (
        select 1 from submissions s where s.id = submission_outcomes.submission_id
    ))
    with check (exists (
        select 1 from submissions s where s.id = submission_outcomes.submission_id
    ));

grant select, insert (id, coordinator_id, kind) on submissions to authenticated;
grant select, insert on submission_records to authenticated;
grant select, insert (submission_id, mentor_id, client_key, outcome, record_id, code, message),
    update (client_key, outcome, record_id, code, message, updated_at)
    on submission_outcomes to authenticated;
