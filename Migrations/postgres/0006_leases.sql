-- PostgreSQL only: SQLite has no 0006 (one process, one writer, no leases).
-- What many processes need to share one crawl.
--
-- Claims: a worker's process takes a batch of queued URLs, or URLs whose
-- lease ended (their holder died or was cut off), with UPDATE … WHERE id IN
-- (SELECT … ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED), setting state =
-- 'fetching', claimed_by and lease_until; the page's outcome, written later
-- in one transaction, sets state = 'done'.
--
-- Politeness across processes (--per-host, --delay) takes PostgreSQL
-- advisory locks, which write nothing and end with their session: no table.
--
-- robots.txt is fetched once per run, by the first process that needs an
-- origin's (under an advisory lock), and kept in `robots` for the others.

-- Which process holds a URL while state = 'fetching', and until when; after
-- lease_until other processes may claim it again.
ALTER TABLE urls ADD COLUMN claimed_by text;
ALTER TABLE urls ADD COLUMN lease_until timestamptz;

-- The claim query walks this in id order and stops after n rows: done URLs
-- are not in it. urls_by_state (run_id, state, id) serves each state alone
-- but not "queued, or fetching and expired, in id order": PostgreSQL would
-- gather every queued URL and sort them, or walk the primary key past every
-- done URL, on each claim. (Plan the claim with its values, e.g. through
-- PQexecParams: a generic plan of a prepared `LIMIT $4` reads the whole of
-- urls for the outer UPDATE; `WHERE id = ANY (ARRAY(SELECT …))` does not.)
CREATE INDEX urls_to_claim ON urls (run_id, id) WHERE state IN ('queued', 'fetching');

-- The processes working on a run: `logbook join` adds one; last_seen is
-- renewed with its leases. Times are text in SQLite's format, as elsewhere.
CREATE TABLE crawl_processes (
    run_id    bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    process   text NOT NULL,              -- unique per process, e.g. host:pid:start
    host      text NOT NULL,
    pid       bigint NOT NULL,
    joined_at text NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
    last_seen text NOT NULL DEFAULT strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
    PRIMARY KEY (run_id, process)
);

-- Each origin's robots.txt as the run fetched it: status NULL when no
-- response came; body '' unless the status was 200.
CREATE TABLE robots (
    run_id bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    origin text NOT NULL,
    status bigint,
    body   text NOT NULL,
    PRIMARY KEY (run_id, origin)
);
