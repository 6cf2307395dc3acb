-- The Supabase-shaped foundation: the API roles and the auth schema.
--
-- Roles are cluster-wide and shared by every database on the server, so they are
-- created only when missing (tolerating a concurrent creator) and never dropped.

do $$
declare
    wanted text;
begin
    foreach wanted in array array['anon', 'authenticated'] loop
        if not exists (select 1 from pg_catalog.pg_roles where rolname = wanted) then
            begin
                execute format('create role %I nologin noinherit', wanted);
            exception when duplicate_object or unique_violation then
                null;  -- created meanwhile by a migration of another database
            end;
        end if;
    end loop;
    -- The owner connection switches to `authenticated` (SET LOCAL ROLE), as PostgREST's
    -- authenticator does: a non-superuser owner needs to be a member.
    if not pg_catalog.pg_has_role(current_user, 'authenticated', 'member') then
        execute format('grant authenticated to %I', current_user);
    end if;
end
$$;

-- Nothing here is for everyone: the API roles get exactly what 003 grants them.
revoke all on schema public from public;
revoke all on schema public from anon;
grant usage on schema public to authenticated;

-- The auth schema, as Supabase has it, only where there is none: on a hosted Supabase project
-- `auth` is the real one (its auth.uid() returns uuid) and is left alone. proxyreg's own SQL
-- reads the caller through private.caller_id() below, which works on both.
do $stand_in$
begin
    if to_regnamespace('auth') is not null then
        return;
    end if;
    create schema auth;
    revoke all on schema auth from public;
    grant usage on schema auth to authenticated;

    -- The request's JWT claims, as PostgREST sets them for each request.
    create function auth.jwt() returns jsonb
    language sql stable
    as $fn$
        select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
    $fn$;

    -- The caller's id: the `sub` claim, as text (Supabase's returns uuid).
    create function auth.uid() returns text
    language sql stable
    as $fn$
        select nullif(auth.jwt() ->> 'sub', '')
    $fn$;

    revoke all on function auth.jwt() from public;
    revoke all on function auth.uid() from public;
    grant execute on function auth.jwt() to authenticated;
    grant execute on function auth.uid() to authenticated;
end
$stand_in$;

-- Internals of the RPC functions: not exposed through the API (PostgREST serves `public`).
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated;

-- The caller's id as text (coordinator ids are text): the JWT's `sub`, read the same way on
-- plain PostgreSQL and on Supabase, whatever type that auth.uid() returns.
create function private.caller_id() returns text
language sql stable
set search_path = pg_catalog, pg_temp
as $$
    select nullif(auth.jwt() ->> 'sub', '')
$$;

revoke all on function private.caller_id() from public;
grant execute on function private.caller_id() to authenticated;
