package dev.resnetservice.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.workers.Worker;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The cluster mode's repository: tables {@code jobs}, {@code job_events} and {@code default_model}
 * (src/main/resources/db/migration). Every change is one transaction; an event's id is the job's
 * next, taken under the job row's lock, so appends from several processes never share or skip one.
 */
final class PostgresJobRepository implements JobRepository {

    private static final Logger LOG = Logger.getLogger(PostgresJobRepository.class);
    private static final Duration UNREACHABLE_FOR = Duration.ofMinutes(1);

    private static final int READ_AHEAD = 64;

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final RecentEvents recent = new RecentEvents();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean listening = new AtomicBoolean();

    PostgresJobRepository(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Override
    public void save(Job job) {
        // Back in the queue by a user's resume: a fresh count of attempts and no stale stop request.
        update("""
                INSERT INTO jobs (id, state, created_at, body) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body,
                    attempts = CASE WHEN excluded.state = 'queued' AND jobs.state IN ('failed', 'cancelled', 'interrupted')
                                    THEN 0 ELSE jobs.attempts END,
                    stop_requested = CASE WHEN excluded.state = 'queued' AND jobs.state <> 'running'
                                          THEN NULL ELSE jobs.stop_requested END""",
                job.id(), job.state().json(), Timestamp.from(job.createdAt()), json(job));
    }

    @Override
    public Optional<Job> find(String id) {
        return query("SELECT body FROM jobs WHERE id = ?", rows -> rows.next() ? Optional.of(job(rows)) : Optional.empty(),
                id);
    }

    @Override
    public List<Job> list() {
        return query("SELECT body FROM jobs ORDER BY created_at, id", rows -> {
            List<Job> jobs = new ArrayList<>();
            while (rows.next()) {
                jobs.add(job(rows));
            }
            return jobs;
        });
    }

    @Override
    public void delete(String id) {
        update("DELETE FROM jobs WHERE id = ?", id); // its events go with it (ON DELETE CASCADE)
        recent.forget(id);
    }

    @Override
    public JobEvent append(String jobId, String name, JsonNode data) {
        String text = json(data);
        return withConnection("append an event of job " + jobId, connection -> {
            connection.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement lock = prepare(connection, "SELECT 1 FROM jobs WHERE id = ? FOR UPDATE", jobId)) {
                    lock.executeQuery().close();
                }
                try (PreparedStatement insert = prepare(connection, """
                        INSERT INTO job_events (job_id, id, name, data)
                        SELECT ?, COALESCE(MAX(id), 0) + 1, ?, ? FROM job_events WHERE job_id = ?
                        RETURNING id""", jobId, name, text, jobId);
                        ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
                try (PreparedStatement notify = prepare(connection, "SELECT pg_notify('job_events', ?)", jobId + " " + id)) {
                    notify.executeQuery().close(); // delivered at commit, to every listening replica
                }
                connection.commit();
                recent.add(jobId, id - 1, List.of(new StreamEvent(id, name, text)));
                return new JobEvent(id, name, data);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        });
    }

    /** One LISTEN connection per process, whoever registers: it hands every notification to all of them. */
    @Override
    public void listen(Consumer<String> appended) {
        listeners.add(appended);
        if (listening.compareAndSet(false, true)) {
            Thread listener = new Thread(this::listenForever, "event-listener");
            listener.setDaemon(true);
            listener.start();
        }
    }

    /**
     * Holds one connection with LISTEN job_events and hands each notification's job id on. A lost
     * connection (a database restart) is opened again after a pause. Notifications sent meanwhile are
     * lost, so each (re)connection forgets what this process knew of the newest events and wakes
     * every job it was following: their clients read on from the table, the truth.
     */
    private void listenForever() {
        while (!Thread.currentThread().isInterrupted()) {
            try (Connection connection = dataSource.getConnection(); Statement listen = connection.createStatement()) {
                listen.execute("LISTEN job_events");
                recent.connected().forEach(this::dispatch);
                PGConnection notifications = connection.unwrap(PGConnection.class);
                while (!Thread.currentThread().isInterrupted()) {
                    PGNotification[] received = notifications.getNotifications(1000);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            String[] jobAndId = notification.getParameter().split(" ");
                            recent.announced(jobAndId[0], Long.parseLong(jobAndId[1]));
                            dispatch(jobAndId[0]);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                recent.disconnected();
                LOG.warnf("listening for events in PostgreSQL failed (%s); trying again in 2 s", e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void dispatch(String jobId) {
        for (Consumer<String> listener : listeners) {
            listener.accept(jobId);
        }
    }

    /** From the events this process holds when it can; else the next few from the table, kept for the job's other clients. */
    @Override
    public StreamEvent next(String jobId, long afterId) {
        RecentEvents.Lookup held = recent.find(jobId, afterId);
        if (held.known()) {
            return held.event();
        }
        List<StreamEvent> read = query("SELECT id, name, data FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?",
                rows -> {
                    List<StreamEvent> events = new ArrayList<>();
                    while (rows.next()) {
                        events.add(new StreamEvent(rows.getLong(1), rows.getString(2), rows.getString(3)));
                    }
                    return events;
                }, jobId, afterId, READ_AHEAD);
        recent.add(jobId, afterId, read);
        return read.isEmpty() ? null : read.get(0);
    }

    @Override
    public List<JobEvent> events(String jobId) {
        return query("SELECT id, name, data FROM job_events WHERE job_id = ? ORDER BY id", rows -> {
            List<JobEvent> events = new ArrayList<>();
            while (rows.next()) {
                events.add(new JobEvent(rows.getLong(1), rows.getString(2), tree(rows.getString(3))));
            }
            return events;
        }, jobId);
    }

    @Override
    public Optional<String> defaultModel() {
        return query("SELECT name FROM default_model", rows -> rows.next() ? Optional.of(rows.getString(1))
                : Optional.empty());
    }

    @Override
    public void setDefaultModel(String name) {
        update("INSERT INTO default_model (name) VALUES (?) ON CONFLICT (only_row) DO UPDATE SET name = excluded.name",
                name);
    }

    @Override
    public Optional<Claim> claim(String workerId, Duration lease) {
        return query("""
                WITH next AS (SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, id LIMIT 1
                              FOR UPDATE SKIP LOCKED)
                UPDATE jobs SET state = 'running', worker = ?, lease_until = now() + make_interval(secs => ?),
                    attempts = attempts + 1
                FROM next WHERE jobs.id = next.id
                RETURNING jobs.body, jobs.attempts""",
                rows -> rows.next() ? Optional.of(new Claim(job(rows), rows.getInt(2))) : Optional.empty(),
                workerId, seconds(lease));
    }

    @Override
    public boolean renew(String jobId, String workerId, Duration lease) {
        return update("""
                UPDATE jobs SET lease_until = now() + make_interval(secs => ?)
                WHERE id = ? AND worker = ? AND state = 'running'""", seconds(lease), jobId, workerId) == 1;
    }

    @Override
    public void release(String jobId, String workerId) {
        update("UPDATE jobs SET worker = NULL, lease_until = NULL, attempts = attempts - 1 WHERE id = ? AND worker = ?",
                jobId, workerId);
    }

    @Override
    public List<Lapsed> requeueLapsed() {
        return query("""
                WITH lapsed AS (SELECT id, worker FROM jobs WHERE state = 'running' AND lease_until < now()
                                FOR UPDATE SKIP LOCKED)
                UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL
                FROM lapsed WHERE jobs.id = lapsed.id
                RETURNING jobs.body, lapsed.worker, jobs.attempts""", rows -> {
                    List<Lapsed> lapsed = new ArrayList<>();
                    while (rows.next()) {
                        lapsed.add(new Lapsed(job(rows), rows.getString(2), rows.getInt(3)));
                    }
                    return lapsed;
                });
    }

    @Override
    public int countQueued() {
        return query("SELECT count(*) FROM jobs WHERE state = 'queued'", rows -> {
            rows.next();
            return rows.getInt(1);
        });
    }

    @Override
    public boolean cancelIfQueued(String id) {
        return update("UPDATE jobs SET state = 'cancelled' WHERE id = ? AND state = 'queued'", id) == 1;
    }

    @Override
    public void requestStop(String id, JobState state) {
        update("UPDATE jobs SET stop_requested = ? WHERE id = ?", state.json(), id);
    }

    @Override
    public Optional<JobState> stopRequest(String id) {
        return query("SELECT stop_requested FROM jobs WHERE id = ?", rows -> rows.next() && rows.getString(1) != null
                ? Optional.of(JobState.valueOf(rows.getString(1).toUpperCase(Locale.ROOT))) : Optional.empty(), id);
    }

    @Override
    public void saveWorker(Worker worker) {
        update("""
                INSERT INTO workers (id, host, device, started_at, heartbeat_at, job_id) VALUES (?, ?, ?, ?, now(), ?)
                ON CONFLICT (id) DO UPDATE SET device = excluded.device, heartbeat_at = now(), job_id = excluded.job_id""",
                worker.id(), worker.host(), worker.device(), Timestamp.from(worker.startedAt()), worker.job());
    }

    @Override
    public List<Worker> workers() {
        return query("SELECT id, host, device, started_at, heartbeat_at, job_id FROM workers ORDER BY started_at, id",
                rows -> {
                    List<Worker> workers = new ArrayList<>();
                    while (rows.next()) {
                        workers.add(new Worker(rows.getString(1), rows.getString(2), rows.getString(3),
                                rows.getString(6) == null ? "idle" : "training", rows.getString(6),
                                rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant()));
                    }
                    return workers;
                });
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    /** Reads a result set; runs inside the statement's try. */
    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, Rows<T> reader, Object... parameters) {
        return withConnection("read the store", connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                    ResultSet rows = statement.executeQuery()) {
                return reader.read(rows);
            }
        });
    }

    private int update(String sql, Object... parameters) {
        return withConnection("write the store", connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters)) {
                return statement.executeUpdate();
            }
        });
    }

    /** Work on one connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs the work; while the database cannot be reached (a restart, a failover) tries again with a
     * growing pause for up to a minute, so a running job waits instead of failing.
     */
    private <T> T withConnection(String what, Work<T> work) {
        long deadline = System.nanoTime() + UNREACHABLE_FOR.toNanos();
        long pauseMillis = 100;
        while (true) {
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            } catch (SQLException e) {
                if (!unreachable(e) || System.nanoTime() > deadline) {
                    throw failure(what, e);
                }
                LOG.warnf("PostgreSQL cannot be reached (%s); trying again in %d ms", e.getMessage(), pauseMillis);
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw failure(what, e);
                }
                pauseMillis = Math.min(2 * pauseMillis, 5000);
            }
        }
    }

    /** Connection failures (SQLSTATE class 08) and server shutdowns (57P01-57P03): worth trying again. */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException
                || state != null && (state.startsWith("08") || state.startsWith("57P"));
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private Job job(ResultSet rows) throws SQLException {
        try {
            return mapper.readValue(rows.getString(1), Job.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a job in the database cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode tree(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("cannot " + what + " in PostgreSQL: " + e.getMessage(), e);
    }
}
