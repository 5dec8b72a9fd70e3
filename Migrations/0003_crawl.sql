-- Crawls. The frontier lives here: a URL is queued, then fetching (claimed
-- by a worker), then done. UNIQUE (run_id, url) is the crawler's `seen` set:
-- the writer's INSERT OR IGNORE decides which discovered URLs are new. A
-- page's fetch row, its links and the URLs they discover are written in one
-- transaction, so a crash never leaves half a page.

CREATE TABLE urls (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    url            TEXT NOT NULL,            -- normalised, without fragment
    host           TEXT NOT NULL,
    depth          INTEGER NOT NULL,         -- links from the start URL
    internal       INTEGER NOT NULL,         -- 1: same site (fetched, parsed); 0: checked only
    state          TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'fetching', 'done')),
    first_referrer TEXT,                     -- the first page found linking here
    UNIQUE (run_id, url)
);
CREATE INDEX urls_by_state ON urls (run_id, state, id);

-- One outcome per URL.
CREATE TABLE fetches (
    url_id       INTEGER PRIMARY KEY REFERENCES urls (id) ON DELETE CASCADE,
    run_id       INTEGER NOT NULL,
    status       INTEGER,                    -- HTTP status, NULL when no response
    outcome      TEXT NOT NULL
                 CHECK (outcome IN ('ok', 'redirect', 'dead', 'error', 'skipped', 'excluded', 'robots')),
    error        TEXT,                       -- why, when not ok
    content_type TEXT,
    bytes        INTEGER,
    elapsed_ms   REAL,
    final_url    TEXT,                       -- after redirects
    redirects    TEXT,                       -- JSON array of the Location chain
    fetched_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX fetches_by_outcome ON fetches (run_id, outcome);

-- Every link on every fetched page.
CREATE TABLE links (
    run_id      INTEGER NOT NULL,
    from_url_id INTEGER NOT NULL REFERENCES urls (id) ON DELETE CASCADE,
    to_url_id   INTEGER NOT NULL REFERENCES urls (id) ON DELETE CASCADE,
    element     TEXT NOT NULL,               -- a, img, script, link, …
    attribute   TEXT NOT NULL,               -- href, src, srcset, …
    fragment    TEXT,                        -- the #part, kept apart from the URL
    line        INTEGER                      -- in the referring page
);
CREATE INDEX links_to ON links (to_url_id);
CREATE INDEX links_from ON links (from_url_id);

-- The id and a[name] values of fetched pages, kept with --check-fragments.
CREATE TABLE anchors (
    url_id INTEGER NOT NULL REFERENCES urls (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    PRIMARY KEY (url_id, name)
) WITHOUT ROWID;

-- Links to #fragments that a fetched page of the site does not have
-- (meaningful for runs made with --check-fragments).
CREATE VIEW broken_fragments AS
SELECT l.run_id, t.url, l.fragment, p.url AS found_on, l.line
FROM links AS l
JOIN urls AS t ON t.id = l.to_url_id
JOIN fetches AS f ON f.url_id = t.id AND f.outcome = 'ok'
JOIN urls AS p ON p.id = l.from_url_id
WHERE l.fragment IS NOT NULL AND l.fragment != '' AND t.internal = 1
  AND (f.content_type IS NULL OR f.content_type LIKE 'text/html%' OR f.content_type LIKE 'application/xhtml%')
  AND NOT EXISTS (SELECT 1 FROM anchors AS a WHERE a.url_id = t.id AND a.name = l.fragment);

-- A row per dead URL and each page that links to it.
CREATE VIEW dead_links AS
SELECT u.run_id, u.url, f.status, f.error, p.url AS found_on, l.line, l.element, l.attribute
FROM fetches AS f
JOIN urls AS u ON u.id = f.url_id
LEFT JOIN links AS l ON l.to_url_id = u.id
LEFT JOIN urls AS p ON p.id = l.from_url_id
WHERE f.outcome IN ('dead', 'error');

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
       max(f.elapsed_ms) AS max_ms
FROM urls AS u LEFT JOIN fetches AS f ON f.url_id = u.id
GROUP BY u.run_id;
