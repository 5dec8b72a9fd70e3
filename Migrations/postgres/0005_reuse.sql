-- PostgreSQL dialect of ../0005_reuse.sql. The database as a cache for the
-- next crawl (`crawl --reuse`): a page's validators, so the next crawl can
-- ask "changed since?", and where each outcome came from: fetched by this
-- run, revalidated (the page answered 304 Not Modified: its recorded links
-- were reused), or cached (an external link found ok recently enough was not
-- requested again). `source_run` is the run whose outcome or links were
-- taken; `fetched_at` of a cached outcome stays the time it was really
-- fetched, so its age never resets.
ALTER TABLE fetches ADD COLUMN etag text;
ALTER TABLE fetches ADD COLUMN last_modified text;
ALTER TABLE fetches ADD COLUMN source text NOT NULL DEFAULT 'fetched'
    CHECK (source IN ('fetched', 'revalidated', 'cached'));
ALTER TABLE fetches ADD COLUMN source_run bigint;

-- As in 0003: sums of 0/1 keep SQLite's NULL when a run has no fetch yet.
DROP VIEW crawl_summary;
CREATE VIEW crawl_summary AS
SELECT u.run_id,
       count(*) AS urls,
       count(*) FILTER (WHERE u.internal = 1) AS pages,
       count(*) FILTER (WHERE u.state = 'queued') AS queued,
       sum((f.outcome = 'ok')::integer) AS ok,
       sum((f.outcome IN ('dead', 'error'))::integer) AS dead,
       sum((f.outcome = 'redirect')::integer) AS redirects_not_followed,
       sum((f.outcome IN ('skipped', 'excluded', 'robots'))::integer) AS not_checked,
       avg(f.elapsed_ms) AS mean_ms,
       max(f.elapsed_ms) AS max_ms,
       sum((f.source != 'fetched')::integer) AS reused
FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id
GROUP BY u.run_id;
