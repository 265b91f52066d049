package dev.resnetservice.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import dev.resnetservice.ResnetConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Loads the PyTorch engine once at start-up, checks the GPU the service was told to use, and decides
 * which device a job gets.
 *
 * <p>DJL counts GPUs through CUDA's runtime and finds none on AMD; a ROCm build of libtorch answers
 * {@code torch::cuda::is_available()} and {@code device_count()} for HIP devices, so libtorch decides here.
 */
@ApplicationScoped
public class TrainingDevices {

    private static final Logger LOG = Logger.getLogger(TrainingDevices.class);

    private final boolean tuneMalloc;
    private final DeviceChoice configured;
    private volatile Engine engine;
    private volatile GpuIdentity gpu;
    private volatile Integer gpuCount;

    @Inject
    public TrainingDevices(ResnetConfig config) {
        this(config.device(), config.mallocTuning());
    }

    TrainingDevices(String device, boolean tuneMalloc) {
        this.tuneMalloc = tuneMalloc;
        try {
            this.configured = DeviceChoice.parse(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resnet.device: " + e.getMessage(), e);
        }
    }

    /** Before every other start-up observer (smaller priorities run first), so none meets an unchecked device. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        start();
    }

    /**
     * Loads the engine; with a GPU as the default device, identifies it and runs the self-test.
     *
     * @throws IllegalStateException when resnet.device names a GPU libtorch cannot use, saying why
     */
    void start() {
        engine();
        String libtorch = System.getenv("PYTORCH_LIBRARY_PATH");
        LOG.infof("engine %s %s, flavour %s, libtorch from %s, %d GPU(s) (CUDA or ROCm), resnet.device %s",
                engine.getEngineName(), engine.getVersion(),
                Objects.requireNonNullElse(System.getenv("PYTORCH_FLAVOR"), "cpu"),
                libtorch == null ? "the pytorch-native-cpu jar" : libtorch, gpuCount(), configured);
        Device device = resolve(DeviceChoice.AUTO);
        if (device.isGpu()) {
            GpuIdentity identity = GpuIdentity.of(device.getDeviceId());
            LOG.infof("GPU %d: %s; running the self-test", device.getDeviceId(), identity);
            GpuSelfTest.run(device, identity.architecture());
            gpu = identity;
            LOG.infof("GPU %d passed the self-test (matrix product and convolution agree with the CPU)",
                    device.getDeviceId());
        }
        LOG.infof("default device %s", describe(device));
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
                    // NNPACK is CPU-only, so this changes nothing for GPU convs; it stays on a GPU machine too,
                    // whose CPU still runs jobs that ask for device cpu and /predict when resnet.device=cpu.
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

    /** The default GPU's name and architecture once it passed the self-test; empty on the CPU. */
    public Optional<GpuIdentity> gpu() {
        return Optional.ofNullable(gpu);
    }

    /** GPUs libtorch can use, after HIP_VISIBLE_DEVICES / CUDA_VISIBLE_DEVICES; counted once. */
    public int gpuCount() {
        if (gpuCount == null) {
            gpuCount = !engine().hasCapability(StandardCapabilities.CUDA) ? 0
                    : Libtorch.function("_ZN5torch4cuda12device_countEv")
                            .map(count -> (int) count.invokeLong(new Object[0])).orElse(1);
        }
        return gpuCount;
    }

    /**
     * @param choice auto (the service's {@code resnet.device}: by default a GPU when there is one), cpu, gpu or gpu:N
     * @throws IllegalArgumentException for an unknown choice
     * @throws IllegalStateException for a GPU libtorch does not have, saying why
     */
    public Device resolve(String choice) {
        return resolve(DeviceChoice.parse(choice));
    }

    private Device resolve(DeviceChoice choice) {
        return switch (choice.kind()) {
            case "cpu" -> Device.cpu();
            case "auto" -> !"auto".equals(configured.kind()) ? resolve(configured)
                    : gpuCount() > 0 ? Device.gpu(0) : Device.cpu();
            default -> gpu(choice.index() < 0 && configured.isGpu() ? configured : choice);
        };
    }

    private Device gpu(DeviceChoice choice) {
        int count = gpuCount();
        if (count == 0) {
            throw new IllegalStateException("device '" + choice + "' was asked for, but libtorch " + engine().getVersion()
                    + " reports no GPU (CUDA or ROCm): " + GpuAccess.ofThisProcess().explain());
        }
        if (choice.gpuIndex() >= count) {
            throw new IllegalStateException("device '" + choice + "' was asked for, but libtorch sees " + count
                    + " GPU(s), numbered from 0 (after HIP_VISIBLE_DEVICES / CUDA_VISIBLE_DEVICES, if set)");
        }
        return Device.gpu(choice.gpuIndex());
    }

    public String describe(Device device) {
        return device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu";
    }
}
