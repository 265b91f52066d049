package dev.resnetservice.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/python/seed_step.py with the machine's python3 (Debian: python3-torch and
 * python3-torchvision) so the benchmark compares against PyTorch on the same machine, in the
 * same run, with the same number of threads.
 */
final class PyTorchReference {

    private static final Path SCRIPT = Path.of("src/test/python/seed_step.py");
    /** Debian's interpreter, where python3-torch lives, unless -Dbenchmark.python names another. */
    private static final String PYTHON = System.getProperty("benchmark.python",
            Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");

    private PyTorchReference() {
    }

    /**
     * The script's JSON, or null (said on stdout) when PyTorch is not installed or fails. With
     * {@code tunedMalloc} PyTorch gets the same glibc settings the service applies through mallopt
     * (here as the environment variables glibc reads), so both sides use the same allocator;
     * {@code channelsLast} lays its inputs out as the service lays out its CPU batches; bf16 runs
     * its forwards under {@code torch.autocast("cpu", dtype=torch.bfloat16)}.
     */
    static JsonNode run(int threads, boolean tunedMalloc, boolean channelsLast, Precision precision) {
        try {
            ProcessBuilder builder = new ProcessBuilder(PYTHON, SCRIPT.toString(), Integer.toString(threads), "10",
                    channelsLast ? "channels_last" : "contiguous", precision.id())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            if (tunedMalloc) {
                builder.environment().put("MALLOC_MMAP_MAX_", "0");
                builder.environment().put("MALLOC_TRIM_THRESHOLD_", Integer.toString(1 << 30));
                builder.environment().put("MALLOC_TOP_PAD_", Integer.toString(MallocTuning.TOP_PAD_BYTES));
            }
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                System.out.println("PyTorch reference skipped: " + SCRIPT + " failed (apt-get install python3-torch"
                        + " python3-torchvision)");
                return null;
            }
            return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
        } catch (IOException e) {
            System.out.println("PyTorch reference skipped: " + e.getMessage());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
