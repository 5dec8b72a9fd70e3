-- PostgreSQL dialect of ../0004_run_owner.sql. The process writing a run, so
-- that `resume` can refuse to continue a run that another live logbook
-- process is still writing.
ALTER TABLE runs ADD COLUMN pid bigint;
ALTER TABLE runs ADD COLUMN host text;
