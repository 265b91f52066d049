-- Workers pull queued jobs: a claim records the worker and a lease it renews by heartbeat; a job
-- whose lease lapsed is taken over by another worker, up to its spec's maxAttempts.
ALTER TABLE jobs
    ADD COLUMN worker         text,
    ADD COLUMN lease_until    timestamptz,
    ADD COLUMN attempts       integer NOT NULL DEFAULT 0,
    ADD COLUMN stop_requested text;   -- 'cancelled' (DELETE /jobs/<id> on any replica) or 'interrupted'
CREATE INDEX jobs_leased ON jobs (lease_until) WHERE state = 'running';

-- Every worker process, as GET /workers shows it.
CREATE TABLE workers (
    id            text        PRIMARY KEY,
    host          text        NOT NULL,
    device        text        NOT NULL,
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL,
    job_id        text
);
