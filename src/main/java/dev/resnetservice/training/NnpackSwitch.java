package dev.resnetservice.training;

import com.sun.jna.Function;
import com.sun.jna.Pointer;
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

    private NnpackSwitch() {
    }

    /** Call after the engine has loaded libtorch; true when NNPACK was turned off. */
    public static boolean turnOff() {
        Optional<Function> globalContext = Libtorch.function("_ZN2at13globalContextEv");
        Optional<Function> setEnabled = Libtorch.function("_ZN2at7Context20setUserEnabledNNPACKEb");
        if (globalContext.isEmpty() || setEnabled.isEmpty()) {
            LOG.infof("NNPACK left as it is: no %s with at::Context among the loaded libraries", Libtorch.LIBRARY);
            return false;
        }
        try {
            Pointer context = globalContext.get().invokePointer(new Object[0]);
            setEnabled.get().invokeVoid(new Object[] {context, false});
            LOG.infof("NNPACK turned off in %s", Libtorch.loadedPath().orElseThrow());
            return true;
        } catch (RuntimeException e) {
            LOG.infof("NNPACK left as it is: %s", e.getMessage());
            return false;
        }
    }
}
