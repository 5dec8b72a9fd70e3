-- PostgreSQL only, as 0006. Each process's own lease (`--lease` is set per
-- process), so that the others judge it lapsed by its own measure: a process
-- not heard from within its lease loses its URLs and the host locks it holds
-- (its lock sessions, named after it in application_name, are ended).
-- NULL for a process of an earlier version: the judge's lease stands in.
ALTER TABLE crawl_processes ADD COLUMN lease_ms bigint;
