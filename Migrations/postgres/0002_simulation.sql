-- PostgreSQL dialect of ../0002_simulation.sql. Simulations. A recorded frame
-- and its states are written in one transaction; the newest frame of a run
-- is where `resume` starts.

CREATE TABLE particles (
    run_id   bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    particle bigint NOT NULL,             -- 0-based index
    mass     double precision NOT NULL CHECK (mass > 0),
    label    text,                        -- from the input CSV's extra columns
    PRIMARY KEY (run_id, particle)
);

-- Totals at each recorded step: energies and momentum (NULL where a value
-- is not finite, as in the last frame before a failure).
CREATE TABLE frames (
    run_id    bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step      bigint NOT NULL,
    time      double precision NOT NULL,
    kinetic   double precision,           -- sum of m v^2 / 2
    potential double precision,           -- sum over pairs of -G mi mj / sqrt(r^2 + softening^2)
    total     double precision,
    px        double precision,           -- total momentum
    py        double precision,
    pz        double precision,
    PRIMARY KEY (run_id, step)
);

-- Every particle at each recorded step, keyed (run_id, step, particle).
-- No foreign key: the Recorder writes a frame and its states together, and a
-- per-row check would slow the hottest insert.
CREATE TABLE states (
    run_id   bigint NOT NULL,
    step     bigint NOT NULL,
    particle bigint NOT NULL,
    x double precision NOT NULL, y double precision NOT NULL, z double precision NOT NULL,
    vx double precision NOT NULL, vy double precision NOT NULL, vz double precision NOT NULL,
    PRIMARY KEY (run_id, step, particle)
);

-- SQLite's CROSS JOIN fixes the join order (frames outer, states by key);
-- PostgreSQL has no such hint and plans the inner join itself.
CREATE VIEW trajectory AS
SELECT s.run_id, s.particle, p.label, f.step, f.time, s.x, s.y, s.z, s.vx, s.vy, s.vz
FROM frames AS f
JOIN states AS s ON s.run_id = f.run_id AND s.step = f.step
JOIN particles AS p ON p.run_id = s.run_id AND p.particle = s.particle;
