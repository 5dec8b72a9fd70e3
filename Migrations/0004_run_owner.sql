-- The process writing a run, so that `resume` can refuse to continue a run
-- that another live logbook process is still writing.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host TEXT;
