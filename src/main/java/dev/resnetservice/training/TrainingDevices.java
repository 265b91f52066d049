package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.resnetservice.ResnetConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Loads the PyTorch engine once at start-up and decides which device a job gets.
 *
 * <p>DJL counts GPUs through CUDA's runtime and finds none on AMD; a ROCm build of libtorch
 * answers {@code torch::cuda::is_available()} for HIP devices, which is what the engine's CUDA
 * capability reports, so that is what decides here.
 */
@ApplicationScoped
public class TrainingDevices {

    private static final Logger LOG = Logger.getLogger(TrainingDevices.class);

    private final boolean tuneMalloc;
    private final String configured;
    private volatile Engine engine;

    public TrainingDevices(ResnetConfig config) {
        this.tuneMalloc = config.mallocTuning();
        this.configured = config.device();
        if (!List.of("auto", "cpu", "gpu").contains(configured)) {
            throw new IllegalArgumentException("resnet.device is '" + configured + "', expected auto, cpu or gpu");
        }
    }

    void onStart(@Observes StartupEvent event) {
        engine();
        String libtorch = System.getenv("PYTORCH_LIBRARY_PATH");
        LOG.infof("engine %s %s, flavour %s, libtorch from %s, GPU %s, default device %s", engine.getEngineName(),
                engine.getVersion(), Objects.requireNonNullElse(System.getenv("PYTORCH_FLAVOR"), "cpu"),
                libtorch == null ? "the pytorch-native-cpu jar" : libtorch,
                gpuAvailable() ? "available (CUDA or ROCm)" : "not found", describe(resolve("auto")));
    }

    /** The engine, loaded on first use; the thread's class loader must see DJL's providers. */
    public Engine engine() {
        if (engine == null) {
            synchronized (this) {
                if (engine == null) {
                    // Nothing may be downloaded at run time: libtorch comes from the class path.
                    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
                    System.setProperty("OPT_OUT_TRACKING", System.getProperty("OPT_OUT_TRACKING", "true"));
                    if (tuneMalloc) {
                        MallocTuning.apply();
                    }
                    Engine loaded = Engine.getEngine("PyTorch");
                    NnpackSwitch.turnOff();
                    engine = loaded;
                }
            }
        }
        return engine;
    }

    /** True once the engine is loaded, which start-up does; nothing here loads it. */
    public boolean engineLoaded() {
        return engine != null;
    }

    public boolean gpuAvailable() {
        return engine().hasCapability(StandardCapabilities.CUDA);
    }

    /**
     * @param choice auto (the service's {@code resnet.device}: by default a GPU when there is one), cpu or gpu
     * @throws IllegalArgumentException for an unknown choice
     * @throws IllegalStateException for gpu when none is present
     */
    public Device resolve(String choice) {
        return switch (choice) {
            case "cpu" -> Device.cpu();
            case "auto" -> "auto".equals(configured) ? (gpuAvailable() ? Device.gpu(0) : Device.cpu()) : resolve(configured);
            case "gpu" -> {
                if (!gpuAvailable()) {
                    throw new IllegalStateException("device 'gpu' was asked for, but libtorch "
                            + engine().getVersion() + " reports no GPU (CUDA or ROCm); use 'cpu' or 'auto'");
                }
                yield Device.gpu(0);
            }
            default -> throw new IllegalArgumentException(
                    "unknown device '" + choice + "', expected auto, cpu or gpu");
        };
    }

    public String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}
