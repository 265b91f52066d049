package dev.resnetservice.observability;

import ai.djl.engine.Engine;
import dev.resnetservice.inference.ModelCatalog;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.jobs.JobState;
import dev.resnetservice.jobs.JobStore;
import dev.resnetservice.training.TrainingDevices;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Ready: the engine is loaded and the home folder takes writes. The data says what runs where; it
 * is public, so it names no server path.
 */
@Readiness
@ApplicationScoped
public class ServiceReadiness implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(ServiceReadiness.class);

    private final TrainingDevices devices;
    private final JobService jobs;
    private final ModelCatalog catalog;
    private final Path home;

    public ServiceReadiness(TrainingDevices devices, JobService jobs, ModelCatalog catalog, JobStore store) {
        this.devices = devices;
        this.jobs = jobs;
        this.catalog = catalog;
        this.home = store.home();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("resnet-service");
        if (!devices.engineLoaded()) {
            return response.down().withData("reason", "the PyTorch engine is not loaded (yet)").build();
        }
        Engine engine = devices.engine();
        response.withData("device", devices.describe(devices.resolve("auto")))
                .withData("engine", engine.getEngineName())
                .withData("version", engine.getVersion());
        devices.gpu().ifPresent(gpu -> response.withData("deviceName", gpu.name())
                .withData("deviceArchitecture", gpu.architecture()));
        jobs.list().stream().filter(job -> job.state() == JobState.RUNNING).map(Job::id).findFirst()
                .ifPresent(id -> response.withData("runningJob", id));
        Optional<String> served = catalog.defaultName();
        served.ifPresent(name -> response.withData("servedModel", name));
        if (served.isEmpty() && jobs.list().stream().anyMatch(job -> job.state() == JobState.SUCCEEDED)) {
            // A warning, not an outage: training and everything else still work.
            response.withData("warning", "no succeeded job has a checkpoint left to serve (files removed?);"
                    + " /predict answers 503 until a model is trained or chosen");
        }
        try {
            Files.createDirectories(home);
            Files.deleteIfExists(Files.createTempFile(home, ".ready", ".tmp"));
        } catch (IOException e) {
            LOG.warnf("readiness: cannot write to %s: %s", home, e.getMessage());
            return response.down().withData("reason", "cannot write to the home folder (resnet.home); the log says why").build();
        }
        return response.up().build();
    }
}
