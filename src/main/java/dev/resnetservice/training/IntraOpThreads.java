package dev.resnetservice.training;

import ai.djl.pytorch.jni.JniUtils;
import com.sun.jna.Function;
import java.util.Optional;

/**
 * How many OpenMP threads libtorch's operators use when called from the current thread. DJL's
 * {@code setNumThreads} is {@code at::set_num_threads}, which also changes libtorch's process-wide
 * default: a training thread started later would inherit it. OpenMP's own
 * {@code omp_set_num_threads} changes only the calling thread's setting, which both libtorch's
 * {@code parallel_for} and oneDNN read.
 */
public final class IntraOpThreads {

    private IntraOpThreads() {
    }

    /** Call on the thread itself, after the engine has loaded libtorch; false where libgomp is not there. */
    public static boolean setForCurrentThread(int threads) {
        Optional<Function> set = Libtorch.function("libgomp", "omp_set_num_threads");
        if (set.isEmpty()) {
            return false;
        }
        // libtorch sets a thread's count from its process-wide default on the thread's first use; do that
        // first, so it cannot later undo this.
        JniUtils.getNumThreads();
        set.get().invokeVoid(new Object[] {threads});
        return JniUtils.getNumThreads() == threads;
    }
}
