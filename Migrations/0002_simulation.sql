-- Simulations. A recorded frame and its states are written in one
-- transaction; the newest frame of a run is where `resume` starts.

CREATE TABLE particles (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    particle INTEGER NOT NULL,         -- 0-based index
    mass     REAL NOT NULL CHECK (mass > 0),
    label    TEXT,                     -- from the input CSV's extra columns
    PRIMARY KEY (run_id, particle)
) WITHOUT ROWID;

-- Totals at each recorded step: energies and momentum (NULL where a value
-- is not finite, as in the last frame before a failure).
CREATE TABLE frames (
    run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step      INTEGER NOT NULL,
    time      REAL NOT NULL,
    kinetic   REAL,                    -- sum of m v^2 / 2
    potential REAL,                    -- sum over pairs of -G mi mj / sqrt(r^2 + softening^2)
    total     REAL,
    px        REAL,                    -- total momentum
    py        REAL,
    pz        REAL,
    PRIMARY KEY (run_id, step)
) WITHOUT ROWID;

-- Every particle at each recorded step. Rows arrive in (step, particle)
-- order, so inserts append. "All particles at one step" is a range of the
-- key; "one particle over all steps" is one key lookup per frame, which is
-- how the trajectory view below runs (frames outer, states by key). No
-- foreign key: the Recorder writes a frame and its states together, and a
-- per-row check would slow the hottest insert.
CREATE TABLE states (
    run_id   INTEGER NOT NULL,
    step     INTEGER NOT NULL,
    particle INTEGER NOT NULL,
    x REAL NOT NULL, y REAL NOT NULL, z REAL NOT NULL,
    vx REAL NOT NULL, vy REAL NOT NULL, vz REAL NOT NULL,
    PRIMARY KEY (run_id, step, particle)
) WITHOUT ROWID;

CREATE VIEW trajectory AS
SELECT s.run_id, s.particle, p.label, f.step, f.time, s.x, s.y, s.z, s.vx, s.vy, s.vz
FROM frames AS f
CROSS JOIN states AS s ON s.run_id = f.run_id AND s.step = f.step
JOIN particles AS p ON p.run_id = s.run_id AND p.particle = s.particle;
