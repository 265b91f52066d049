package dev.resnetservice.jobs;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.resnetservice.training.Autocast;
import dev.resnetservice.training.Precision;
import dev.resnetservice.training.TrainingDevices;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses, before a job is queued, a precision the device it would train on cannot run: a libtorch
 * without the autocast API, or a device without bf16 kernels, would fail the job at its first step.
 * Each device is tried once, with a tiny bf16 matrix product.
 */
@ApplicationScoped
public class PrecisionSupport {

    private final TrainingDevices devices;
    private final Map<String, Boolean> tried = new ConcurrentHashMap<>();

    public PrecisionSupport(TrainingDevices devices) {
        this.devices = devices;
    }

    /** @throws InvalidSpecException naming precision */
    void check(JobSpec spec) {
        Precision precision = Precision.fromId(spec.precision());
        // An API-only process may have no engine or not the workers' GPUs: the worker's first step decides there.
        if (precision == Precision.FP32 || !devices.engineLoaded()) {
            return;
        }
        Device device;
        try {
            device = devices.resolve(spec.device());
        } catch (IllegalStateException e) {
            return;
        }
        boolean supported = tried.computeIfAbsent(precision + " on " + device, key -> {
            try (NDManager manager = NDManager.newBaseManager(device, "PyTorch")) {
                return Autocast.supported(precision, manager);
            }
        });
        if (!supported) {
            throw new InvalidSpecException("precision", precision + " does not run on " + devices.describe(device)
                    + " with libtorch " + devices.engine().getVersion() + " (no bf16 autocast there); use fp32");
        }
    }
}
