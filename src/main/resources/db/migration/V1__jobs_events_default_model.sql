-- Cluster mode (resnet.store=postgres): what must be consistent across processes.

-- A job as GET /jobs/<id> shows it, whole, in body; state and created_at for the queue's queries.
CREATE TABLE jobs (
    id          text        PRIMARY KEY,
    state       text        NOT NULL,
    created_at  timestamptz NOT NULL,
    body        jsonb       NOT NULL
);
CREATE INDEX jobs_queued ON jobs (created_at) WHERE state = 'queued';

-- A job's events; ids count from 1 per job, given by the database in the appending transaction.
CREATE TABLE job_events (
    job_id  text   NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    id      bigint NOT NULL,
    name    text   NOT NULL,
    data    text   NOT NULL, -- the JSON exactly as streamed (jsonb would reorder its keys)
    PRIMARY KEY (job_id, id)
);

-- The model /predict serves when a request names none (PUT /models/default); one row at most.
CREATE TABLE default_model (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    name      text    NOT NULL
);
