-- Settings of this database, such as the coordinator a front end acts as when none is named.
-- Read and written by the owner only (the operator's CLI connects as the DSN's own user):
-- row-level security is on with no policy, and the API roles get no grant.

create table settings (
    name text primary key,
    value text not null
);

alter table settings enable row level security;
revoke all on settings from public, anon, authenticated;
