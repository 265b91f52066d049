package dev.resnetservice.testdata;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The packaged service as a separate process, as a user runs it: free ports, a home folder, a log file. */
public final class ServiceProcess implements AutoCloseable {

    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private final Process process;
    private final URI base;
    private final int grpcPort;
    private final Path log;

    private ServiceProcess(Process process, URI base, int grpcPort, Path log) {
        this.process = process;
        this.base = base;
        this.grpcPort = grpcPort;
        this.log = log;
    }

    /** Starts {@code app} with {@code environment} added to the usual offline settings; does not wait. */
    public static ServiceProcess launch(Path app, Path home, Path log, Map<String, String> environment) throws IOException {
        int port = freePort();
        int grpcPort = freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", app.toString())
                .directory(log.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Each process its own gRPC port too: a cluster test starts four on one machine.
        builder.environment().putAll(Map.of("RESNET_HOME", home.toString(), "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_GRPC_SERVER_PORT", Integer.toString(grpcPort), "DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true", "RESNET_DATASET_DOWNLOAD", "false",
                "RESNET_DATASETS_ROOTS", Path.of("target").toAbsolutePath().toString())); // where tests write their data
        builder.environment().putAll(environment);
        return new ServiceProcess(builder.start(), URI.create("http://localhost:" + port), grpcPort, log);
    }

    /**
     * A port nothing listens on and this JVM has not handed out before: the kernel may give a port
     * just closed to the next caller, and two services started side by side must not share one.
     */
    private static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }

    /** Waits until /q/health/ready answers 200. */
    public ServiceProcess awaitReady(Duration limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + " while starting"
                        + tail(40));
            }
            try {
                HttpRequest ready = HttpRequest.newBuilder(base.resolve("/q/health/ready")).timeout(Duration.ofSeconds(10))
                        .build();
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notListeningYet) {
                // Connection refused until the HTTP server is up.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the service was not ready within " + limit + tail(40));
    }

    public URI base() {
        return base;
    }

    /** The separate gRPC server's port (the Open Inference Protocol). */
    public int grpcPort() {
        return grpcPort;
    }

    public Process process() {
        return process;
    }

    /** The last {@code lines} lines of its log, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return "\n--- last lines of " + log + " ---\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines),
                    all.size()));
        } catch (IOException e) {
            return "\n(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
