package dev.resnetservice.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The cluster mode's repository: tables {@code jobs}, {@code job_events} and {@code default_model}
 * (src/main/resources/db/migration). Every change is one transaction; an event's id is the job's
 * next, taken under the job row's lock, so appends from several processes never share or skip one.
 */
final class PostgresJobRepository implements JobRepository {

    private final DataSource dataSource;
    private final ObjectMapper mapper;

    PostgresJobRepository(DataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    @Override
    public void save(Job job) {
        update("""
                INSERT INTO jobs (id, state, created_at, body) VALUES (?, ?, ?, ?::jsonb)
                ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body""",
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
    }

    @Override
    public JobEvent append(String jobId, String name, JsonNode data) {
        String text = json(data);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long id;
                try (PreparedStatement lock = connection.prepareStatement("SELECT 1 FROM jobs WHERE id = ? FOR UPDATE")) {
                    lock.setString(1, jobId);
                    lock.executeQuery().close();
                }
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO job_events (job_id, id, name, data)
                        SELECT ?, COALESCE(MAX(id), 0) + 1, ?, ? FROM job_events WHERE job_id = ?
                        RETURNING id""")) {
                    insert.setString(1, jobId);
                    insert.setString(2, name);
                    insert.setString(3, text);
                    insert.setString(4, jobId);
                    try (ResultSet rows = insert.executeQuery()) {
                        rows.next();
                        id = rows.getLong(1);
                    }
                }
                connection.commit();
                return new JobEvent(id, name, data);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("append an event of job " + jobId, e);
        }
    }

    @Override
    public StreamEvent next(String jobId, long afterId) {
        return query("SELECT id, name, data FROM job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT 1",
                rows -> rows.next() ? new StreamEvent(rows.getLong(1), rows.getString(2), rows.getString(3)) : null,
                jobId, afterId);
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

    /** Reads a result set; runs inside the statement's try. */
    @FunctionalInterface
    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, Rows<T> reader, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            return reader.read(rows);
        } catch (SQLException e) {
            throw failure("read the store", e);
        }
    }

    private void update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = prepare(connection, sql, parameters)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw failure("write the store", e);
        }
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
