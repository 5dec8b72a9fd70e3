-- The database as a cache for the next crawl (`crawl --reuse`): a page's
-- validators, so the next crawl can ask "changed since?", and where each
-- outcome came from: fetched by this run, revalidated (the page answered
-- 304 Not Modified: its recorded links were reused), or cached (an external
-- link found ok recently enough was not requested again). `source_run` is
-- the run whose outcome or links were taken; `fetched_at` of a cached
-- outcome stays the time it was really fetched, so its age never resets.
ALTER TABLE fetches ADD COLUMN etag TEXT;
ALTER TABLE fetches ADD COLUMN last_modified TEXT;
ALTER TABLE fetches ADD COLUMN source TEXT NOT NULL DEFAULT 'fetched'
    CHECK (source IN ('fetched', 'revalidated', 'cached'));
ALTER TABLE fetches ADD COLUMN source_run INTEGER;

DROP VIEW crawl_summary;
CREATE VIEW crawl_summary AS
SELECT u.run_id,
       count(*) AS urls,
       sum(u.internal) AS pages,
       sum(u.state = 'queued') AS queued,
       sum(f.outcome = 'ok') AS ok,
       sum(f.outcome IN ('dead', 'error')) AS dead,
       sum(f.outcome = 'redirect') AS redirects_not_followed,
       sum(f.outcome IN ('skipped', 'excluded', 'robots')) AS not_checked,
       avg(f.elapsed_ms) AS mean_ms,
       max(f.elapsed_ms) AS max_ms,
       sum(f.source != 'fetched') AS reused
FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id
GROUP BY u.run_id;
