-- proxyreg SQLite schema, version 2: settings of this database, such as its default coordinator.
-- One row per setting; the PostgreSQL twin is 006_settings.sql.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

PRAGMA user_version = 2;
