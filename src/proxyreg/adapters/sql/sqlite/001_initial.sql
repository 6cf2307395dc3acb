-- proxyreg SQLite schema, version 1: the people, the proxy activities and the submission ledger.
-- The table names are the ones the PostgreSQL schema uses.
-- Applied in one transaction by proxyreg.adapters.sqlite; the last statement records the version.

CREATE TABLE chapters (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE coordinators (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    chapter_id TEXT NOT NULL REFERENCES chapters (id)
);

CREATE TABLE mentors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    chapter_id TEXT NOT NULL REFERENCES chapters (id),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

-- Which mentors each coordinator may register for (the assignments).
CREATE TABLE coordinator_mentors (
    coordinator_id TEXT NOT NULL REFERENCES coordinators (id),
    mentor_id      TEXT NOT NULL REFERENCES mentors (id),
    PRIMARY KEY (coordinator_id, mentor_id)
);

CREATE INDEX coordinator_mentors_mentor ON coordinator_mentors (mentor_id);

-- The stored records, one per client key. payload_hash tells a replay from a conflict.
CREATE TABLE proxy_activities (
    id            TEXT PRIMARY KEY,
    client_key    TEXT NOT NULL UNIQUE,
    payload_hash  TEXT NOT NULL,
    mentor_id     TEXT NOT NULL REFERENCES mentors (id),
    registered_by TEXT NOT NULL REFERENCES coordinators (id),
    kind          TEXT NOT NULL,
    activity_date TEXT NOT NULL,
    minutes       INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
    notes         TEXT NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    participants  INTEGER CHECK (participants IS NULL OR participants BETWEEN 1 AND 1000),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX proxy_activities_mentor ON proxy_activities (mentor_id, activity_date);

-- The submission ledger: each submission as the client sent it, kept before anything is sent.
-- No foreign keys to the people: the ledger keeps what was asked, refused or not.
CREATE TABLE submissions (
    id             TEXT PRIMARY KEY,
    coordinator_id TEXT NOT NULL,
    kind           TEXT NOT NULL,
    created_seq    INTEGER NOT NULL UNIQUE,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX submissions_latest ON submissions (coordinator_id, kind, created_seq);

-- Every record sent under a submission, one per mentor, in the original order.
CREATE TABLE submission_records (
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    mentor_id     TEXT NOT NULL,
    client_key    TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    kind          TEXT NOT NULL,
    activity_date TEXT NOT NULL,
    minutes       INTEGER NOT NULL,
    notes         TEXT NOT NULL,
    participants  INTEGER,
    PRIMARY KEY (submission_id, mentor_id),
    UNIQUE (submission_id, position)
);

-- The latest outcome of each mentor's record of a submission.
CREATE TABLE submission_outcomes (
    submission_id TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    mentor_id     TEXT NOT NULL,
    client_key    TEXT NOT NULL,
    outcome       TEXT NOT NULL
        CHECK (outcome IN ('registered', 'already_registered', 'rejected', 'failed', 'unknown')),
    record_id     TEXT,
    code          TEXT,
    message       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (submission_id, mentor_id)
);

PRAGMA user_version = 1;
