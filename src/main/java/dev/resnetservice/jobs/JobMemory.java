package dev.resnetservice.jobs;

import com.sun.management.OperatingSystemMXBean;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.training.TrainingDevices;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Refuses, at submit, a job whose estimated peak memory the device cannot hold: batch 4096 with the
 * CIFAR stem needs tens of GB of activations and would otherwise fail (or swap the machine) later.
 * The limit is resnet.jobs.memory-limit, else the machine's (or container's) memory when jobs run
 * on the CPU; on a GPU without a configured limit nothing is refused here.
 */
@ApplicationScoped
public class JobMemory {

    private final ResnetConfig config;
    private final TrainingDevices devices;

    public JobMemory(ResnetConfig config, TrainingDevices devices) {
        this.config = config;
        this.devices = devices;
    }

    /** @throws InvalidSpecException naming batchSize, with the estimate and the limit */
    public void check(JobSpec spec) {
        OptionalLong limit = limit(spec);
        long needed = Architecture.fromId(spec.model()).trainingBytes(spec.batchSize());
        if (limit.isPresent() && needed > limit.getAsLong()) {
            throw new InvalidSpecException("batchSize", String.format(Locale.ROOT,
                    "batch %d of %s needs about %.1f GB to train, more than the %.1f GB the device has"
                            + " (resnet.jobs.memory-limit); choose a smaller batchSize",
                    spec.batchSize(), spec.model(), needed / 1e9, limit.getAsLong() / 1e9));
        }
    }

    private OptionalLong limit(JobSpec spec) {
        if (config.jobs().memoryLimit().isPresent()) {
            return OptionalLong.of(config.jobs().memoryLimit().get().asLongValue());
        }
        boolean cpu = "cpu".equals(spec.device()) || !devices.resolve("auto").isGpu() && "auto".equals(spec.device());
        if (!cpu) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
    }
}
