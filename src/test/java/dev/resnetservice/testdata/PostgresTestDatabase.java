package dev.resnetservice.testdata;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of its own on the test PostgreSQL server, with the service's schema, dropped again at
 * the end. The server: {@code RESNET_TEST_POSTGRES} (default {@code 127.0.0.1:5432}), user and password
 * postgres. Where it cannot be reached the tests that need it are skipped with a loud message, unless
 * {@code RESNET_TEST_REQUIRE_POSTGRES=true} (as .ci/run sets): then they fail.
 */
public final class PostgresTestDatabase implements AutoCloseable {

    private static final String SERVER = System.getenv().getOrDefault("RESNET_TEST_POSTGRES", "127.0.0.1:5432");
    private static final String USER = "postgres";
    private static final String PASSWORD = "postgres";

    private final String name;

    private PostgresTestDatabase(String name) {
        this.name = name;
    }

    /** Creates the database and migrates it; skips (or fails, when required) without a server. */
    public static PostgresTestDatabase create() {
        String name = "resnet_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(urlOf("postgres"), USER, PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String message = "PostgreSQL is not reachable at " + SERVER + " (" + e.getMessage() + "): the cluster-mode"
                    + " tests need it (apt-get install postgresql; .ci/run installs and starts it)";
            if (Boolean.parseBoolean(System.getenv("RESNET_TEST_REQUIRE_POSTGRES"))) {
                throw new IllegalStateException(message, e);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        PostgresTestDatabase database = new PostgresTestDatabase(name);
        Flyway.configure().dataSource(database.url(), USER, PASSWORD).load().migrate();
        return database;
    }

    public String url() {
        return urlOf(name);
    }

    /** The server's host:port, for a proxy in front of it. */
    public String server() {
        return SERVER;
    }

    /** The URL of this database through {@code server} (host:port) instead of the test server directly. */
    public String url(String server) {
        return "jdbc:postgresql://" + server + "/" + name;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url());
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        return dataSource;
    }

    @Override
    public void close() {
        try (Connection admin = DriverManager.getConnection(urlOf("postgres"), USER, PASSWORD);
                Statement statement = admin.createStatement()) {
            statement.execute(String.format(Locale.ROOT, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name));
        } catch (SQLException e) {
            System.err.println("could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static String urlOf(String database) {
        return "jdbc:postgresql://" + SERVER + "/" + database;
    }
}
