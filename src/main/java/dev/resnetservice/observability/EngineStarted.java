package dev.resnetservice.observability;

import dev.resnetservice.training.TrainingDevices;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

/** Started once libtorch has loaded; a container platform waits for this before probing liveness. */
@Startup
@ApplicationScoped
public class EngineStarted implements HealthCheck {

    private final TrainingDevices devices;

    public EngineStarted(TrainingDevices devices) {
        this.devices = devices;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("engine").status(devices.engineLoaded()).build();
    }
}
