package dev.resnetservice.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Python with Debian's python3-torch, python3-torchvision and python3-onnx: the real
 * consumers of the exports. A pyenv python3 earlier on PATH lacks them, so /usr/bin/python3 first.
 */
public final class SystemPython {

    public static final String PATH = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private SystemPython() {
    }

    /**
     * Skips loudly unless {@code modules} (as an import statement lists them) import, or fails where
     * RESNET_TEST_REQUIRE_TORCH=true (as .ci/run sets); {@code packages} are the Debian packages to install.
     */
    public static void require(String modules, String packages) throws Exception {
        Process probe = new ProcessBuilder(PATH, "-c", "import " + modules).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (probe.waitFor() == 0) {
            return;
        }
        String message = modules + " not importable by " + PATH + " (" + output.strip() + "): apt-get install "
                + packages + "; .ci/run does";
        if (Boolean.parseBoolean(System.getenv("RESNET_TEST_REQUIRE_TORCH"))) {
            throw new IllegalStateException(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
    }

    /** Runs a script of src/test/python and reads the JSON it prints; fails on a non-zero exit. */
    public static JsonNode run(String script, Object... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PATH, "src/test/python/" + script));
        for (Object argument : arguments) {
            command.add(argument.toString());
        }
        Process python = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] output = python.getInputStream().readAllBytes();
        if (python.waitFor() != 0) {
            throw new IllegalStateException(script + " exited with " + python.exitValue());
        }
        return new ObjectMapper().readTree(output);
    }
}
