package dev.resnetservice.training;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns off libtorch's NNPACK convolutions, as {@code torch.backends.nnpack.set_flags(False)}
 * does. On CPUs NNPACK does not support, libtorch 2.7.1 still tries it for every eval-mode conv
 * and logs "Could not initialize NNPACK! Reason: Unsupported hardware" each time (19 lines per
 * forward: 12 MB of log in 6,400 predictions). DJL has no switch for it, so this calls
 * {@code at::globalContext().setUserEnabledNNPACK(false)} in the libtorch the engine loaded.
 */
public final class NnpackSwitch {

    private static final Logger LOG = Logger.getLogger(NnpackSwitch.class);
    private static final String LIBRARY = "libtorch_cpu.so";

    private NnpackSwitch() {
    }

    /** Call after the engine has loaded libtorch; true when NNPACK was turned off. */
    public static boolean turnOff() {
        Optional<String> library = loadedLibtorch();
        if (library.isEmpty()) {
            LOG.infof("NNPACK left as it is: no %s among the loaded libraries", LIBRARY);
            return false;
        }
        try {
            NativeLibrary torch = NativeLibrary.getInstance(library.get());
            Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context, false});
            LOG.infof("NNPACK turned off in %s", library.get());
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.infof("NNPACK left as it is: %s", e.getMessage());
            return false;
        }
    }

    /** The path the engine loaded libtorch from: the same file wherever it came from (jar cache, ROCm wheel). */
    private static Optional<String> loadedLibtorch() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.endsWith("/" + LIBRARY))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
