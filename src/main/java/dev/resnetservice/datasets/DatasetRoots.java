package dev.resnetservice.datasets;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The server folders requests may name ({@code resnet.datasets.roots}). A folder is checked by its
 * real path, links resolved, so neither {@code ..} nor a link leads out of a root.
 */
@ApplicationScoped
public class DatasetRoots {

    private final List<Path> roots;

    public DatasetRoots(ResnetConfig config) {
        Path home = config.home().toAbsolutePath().normalize();
        this.roots = config.datasets().roots().orElse(List.of(home.resolve("datasets"))).stream()
                .map(root -> root.toAbsolutePath().normalize()).toList();
    }

    /** The folder {@code path} names, if it exists and lies under a root; else a 400 naming {@code field}. */
    public Path folder(String field, String path) {
        Path real;
        try {
            real = Path.of(path).toAbsolutePath().toRealPath();
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException(field, "no folder " + path + " on the server");
        }
        if (!Files.isDirectory(real)) {
            throw new InvalidRequestException(field, path + " is not a folder");
        }
        for (Path root : roots) {
            if (real.startsWith(realOrSelf(root))) {
                return real;
            }
        }
        throw new InvalidRequestException(field, path + " is outside the folders data may be read from " + roots
                + " (resnet.datasets.roots)");
    }

    private static Path realOrSelf(Path root) {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root;
        }
    }
}
