package dev.resnetservice.training;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.jboss.logging.Logger;

/**
 * Keeps glibc malloc from handing libtorch's large tensors back to the OS after every step.
 * By default each block over the mmap threshold is mapped and unmapped per use, and freed heap
 * is trimmed, so every step pays page faults and system time again; measured here, DJL's Adam
 * step fell from ~100 ms to ~35 ms with both turned off.
 *
 * <p>A third setting matters because training runs off the process's first thread: such a
 * thread allocates from a glibc arena made of 64 MiB heaps, and a heap that falls empty is
 * unmapped whatever the trim threshold. A seed step empties and refills several (strace: ~250
 * munmap calls a step, up to 20,000 page faults); a top pad of a whole heap keeps them mapped
 * (no munmap after warm-up), which took the benchmark's service epoch from 691-919 to 943-989
 * images/s and the bare loop's evaluation from 1,771-2,086 to 3,541-4,153. Blocks above 64 MiB
 * still cannot live in such a heap (see {@link TrainingRun#evalBatchSize}).
 *
 * <p>The environment variables that do the same (MALLOC_MMAP_MAX_, MALLOC_TRIM_THRESHOLD_,
 * MALLOC_TOP_PAD_) do not reach a plain {@code java -jar}, so the service sets them itself
 * through {@code mallopt}.
 */
public final class MallocTuning {

    private static final Logger LOG = Logger.getLogger(MallocTuning.class);
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_TOP_PAD = -2;
    private static final int M_MMAP_MAX = -4;
    private static final int TRIM_THRESHOLD_BYTES = 1 << 30;
    /** glibc's HEAP_MAX_SIZE on 64-bit: a pad this large keeps every emptied heap of an arena. */
    public static final int TOP_PAD_BYTES = 64 << 20;

    private interface LibC extends Library {
        int mallopt(int param, int value);
    }

    private MallocTuning() {
    }

    /** Applies the tuning where glibc is there; true when every setting took. */
    public static boolean apply() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            boolean applied = libc.mallopt(M_MMAP_MAX, 0) == 1
                    && libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1
                    && libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES) == 1;
            LOG.infof("glibc malloc tuned for libtorch (no mmap per block, trim above 1 GiB, 64 MiB top pad): %s",
                    applied ? "yes" : "refused");
            return applied;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            // musl or another libc without mallopt: run untuned rather than not at all.
            LOG.infof("malloc left as it is: %s", e.getMessage());
            return false;
        }
    }
}
