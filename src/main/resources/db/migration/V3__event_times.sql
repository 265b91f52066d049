-- When each event was written, by the database's clock: for operators reading the table, and for
-- the cluster benchmark's latency from a worker's write to a client on another replica.
ALTER TABLE job_events ADD COLUMN written_at timestamptz NOT NULL DEFAULT clock_timestamp();
