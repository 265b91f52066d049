package dev.resnetservice.observability;

import ai.djl.engine.Engine;
import dev.resnetservice.training.TrainingDevices;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/** {@code resnet_device_info{device,engine,version} 1}, published once the engine has loaded. */
@ApplicationScoped
public class DeviceInfo {

    private final TrainingDevices devices;
    private final MeterRegistry registry;

    public DeviceInfo(TrainingDevices devices, MeterRegistry registry) {
        this.devices = devices;
        this.registry = registry;
    }

    /** After the engine's own start-up observer, so the gauge never claims an engine that failed to load. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 100) StartupEvent event) {
        Engine engine = devices.engine();
        Gauge.builder("resnet.device.info", () -> 1)
                .description("The device jobs and predictions run on by default, and the engine")
                .tag("device", devices.describe(devices.resolve("auto")))
                .tag("engine", engine.getEngineName())
                .tag("version", engine.getVersion())
                .register(registry);
    }
}
