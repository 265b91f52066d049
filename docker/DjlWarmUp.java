// Run once at image build time, so a libtorch that cannot load or run in the image fails the build,
// not the first start.
// CPU image (java's single-file source launcher, no compile step):
//   java -cp 'target/quarkus-app/lib/main/*' docker/DjlWarmUp.java
// Loading the PyTorch engine makes DJL extract libtorch and its JNI library from the jars on the
// class path into $DJL_CACHE_DIR/pytorch/<version>-<flavor>-<classifier>/; the image copies that
// folder, so the service starts without extracting anything and without a network.
// ROCm image: compiled in the Maven stage (the runtime has a JRE only) and run against the wheel's
// libtorch in PYTORCH_LIBRARY_PATH, which proves DJL's JNI bridge binds to it (on the CPU: no GPU at build time).
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

public class DjlWarmUp {
    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager()) {
            // one real operation: fails the build if libtorch cannot run in this image
            float sum = manager.ones(new Shape(2, 2)).sum().getFloat();
            System.out.println("DJL " + engine.getEngineName() + " " + engine.getVersion()
                    + " ready, 2x2 ones sum = " + sum);
        }
    }
}
