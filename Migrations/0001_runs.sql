-- Every crawl and simulation is a run. `config` holds everything `resume`
-- needs to continue it; `summary` is the one line `logbook runs` shows.
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('crawl', 'simulation')),
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'interrupted', 'completed', 'failed')),
    config          TEXT NOT NULL CHECK (json_valid(config)),
    started_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    finished_at     TEXT,
    logbook_version TEXT NOT NULL,
    summary         TEXT
);

CREATE INDEX runs_by_kind ON runs (kind, id);
