package dev.resnetservice.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's python3-torch and python3-torchvision, the real consumer of our exports and producer of
 * the state_dicts we import; the scripts live in src/test/python.
 */
public final class DebianTorch {

    /** Debian's python, which has the packages; a pyenv python on PATH may not. */
    public static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    private DebianTorch() {
    }

    /** Skips loudly without the modules, unless RESNET_TEST_REQUIRE_TORCH=true (as .ci/run sets): then it fails. */
    public static void require(String modules, String packages) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(PYTHON, "-c", "import " + modules).redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (probe.waitFor() == 0) {
            return;
        }
        String message = modules + " not installed for " + PYTHON + " (" + output.strip() + "): apt-get install "
                + packages + "; .ci/run does";
        if (Boolean.parseBoolean(System.getenv("RESNET_TEST_REQUIRE_TORCH"))) {
            throw new IllegalStateException(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
    }

    /** Runs a script of src/test/python and reads the JSON it prints; fails on a non-zero exit. */
    public static JsonNode run(String script, Object... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, "src/test/python/" + script));
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
