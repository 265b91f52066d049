package dev.resnetservice.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Cluster mode with packaged processes: a database of its own, API and worker processes on one
 * shared home, each talking to PostgreSQL through a proxy the test can cut like a database restart.
 */
public final class Cluster implements AutoCloseable {

    private static final Path APP = Path.of(System.getProperty("resnet.it.app",
            "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();

    private final PostgresTestDatabase database;
    private final TcpProxy proxy;
    private final Path work;
    private final Map<String, String> settings;
    private final List<ServiceProcess> processes = new ArrayList<>();

    private Cluster(PostgresTestDatabase database, TcpProxy proxy, Path work, Map<String, String> settings) {
        this.database = database;
        this.proxy = proxy;
        this.work = work;
        this.settings = settings;
    }

    /** A new database and work folder under target/{@code name}; {@code settings} go to every process. */
    public static Cluster create(String name, Map<String, String> settings) throws IOException {
        PostgresTestDatabase database = PostgresTestDatabase.create();
        return new Cluster(database, TcpProxy.to(database.server()), workFolder(name), settings);
    }

    /** Without the proxy, for timings: the processes connect to PostgreSQL directly. */
    public static Cluster direct(String name, Map<String, String> settings) throws IOException {
        return new Cluster(PostgresTestDatabase.create(), null, workFolder(name), settings);
    }

    private static Path workFolder(String name) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target", name)), "run-").toAbsolutePath();
    }

    /** Starts processes in these roles side by side and waits until each is ready. */
    public List<ServiceProcess> start(String... roles) throws IOException, InterruptedException {
        List<ServiceProcess> started = new ArrayList<>();
        for (String role : roles) {
            Map<String, String> env = new HashMap<>(settings);
            env.putAll(Map.of("RESNET_STORE", "postgres", "RESNET_ROLE", role,
                    "QUARKUS_DATASOURCE_JDBC_URL", proxy == null ? database.url() : database.url(proxy.address()),
                    "QUARKUS_DATASOURCE_USERNAME", database.user(), "QUARKUS_DATASOURCE_PASSWORD", database.password()));
            ServiceProcess process = ServiceProcess.launch(APP, home(), work.resolve(role + "-" + processes.size() + ".log"),
                    env);
            processes.add(process);
            started.add(process);
        }
        for (ServiceProcess process : started) {
            process.awaitReady(Duration.ofMinutes(2));
        }
        return started;
    }

    public ServiceProcess start(String role) throws IOException, InterruptedException {
        return start(new String[] {role}).get(0);
    }

    public Path home() {
        return work.resolve("home");
    }

    public Path work() {
        return work;
    }

    /** What stands between the processes and PostgreSQL: cut it to restart the database for them. */
    public TcpProxy database() {
        return Objects.requireNonNull(proxy, "a direct cluster has no proxy");
    }

    /** The database itself, to read what the processes wrote. */
    public PostgresTestDatabase postgres() {
        return database;
    }

    /** Starts the packaged app in embedded mode (file store) on a home of its own, next to the cluster. */
    public ServiceProcess startEmbedded(String name) throws IOException, InterruptedException {
        ServiceProcess process = ServiceProcess.launch(APP, work.resolve(name + "-home"), work.resolve(name + ".log"),
                Map.of());
        processes.add(process);
        return process.awaitReady(Duration.ofMinutes(2));
    }

    /** The last lines of every process's log, for failure messages. */
    public String logs() {
        StringBuilder tails = new StringBuilder();
        processes.forEach(process -> tails.append(process.tail(25)));
        return tails.toString();
    }

    @Override
    public void close() throws Exception {
        for (ServiceProcess process : processes) {
            process.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (proxy != null) {
            proxy.close();
        }
        database.close();
    }
}
