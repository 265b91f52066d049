package dev.resnetservice.training;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Functions of the libtorch the engine loaded, by their C++ symbol, for the few calls DJL does not
 * expose. The library is the file the process really mapped (the jar's cache, or a ROCm wheel's
 * {@code torch/lib}), found in /proc/self/maps, so the call reaches the same libtorch DJL uses.
 */
final class Libtorch {

    static final String LIBRARY = "libtorch_cpu.so";

    private Libtorch() {
    }

    /** The function, or empty when libtorch is not loaded or has no such symbol (another version). */
    static Optional<Function> function(String symbol) {
        return function(LIBRARY, symbol);
    }

    /**
     * @param library the start of a mapped library's file name ("libamdhip64" also finds "libamdhip64.so.6")
     */
    static Optional<Function> function(String library, String symbol) {
        try {
            return loadedPath(library).map(path -> NativeLibrary.getInstance(path).getFunction(symbol));
        } catch (UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }

    static Optional<String> loadedPath() {
        return loadedPath(LIBRARY);
    }

    private static Optional<String> loadedPath(String library) {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.substring(path.lastIndexOf('/') + 1).startsWith(library))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
