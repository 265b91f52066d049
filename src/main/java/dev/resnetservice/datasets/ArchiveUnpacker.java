package dev.resnetservice.datasets;

import dev.resnetservice.storage.Folders;
import dev.resnetservice.web.InvalidRequestException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an uploaded .zip or .tar.gz (told apart by their first bytes) into a new folder. An entry
 * that would land outside it (an absolute name, a ".." step), a link, more files than
 * resnet.datasets.max-files or more bytes than resnet.datasets.max-unpacked (counted as they are
 * written, so a bomb stops early) make the whole archive a 400, and the folder is removed: nothing
 * is left behind.
 */
final class ArchiveUnpacker {

    private static final String FIELD = "archive";

    private final long maxBytes;
    private final int maxFiles;

    ArchiveUnpacker(long maxBytes, int maxFiles) {
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
    }

    void unpack(Path archive, Path target) throws IOException {
        Files.createDirectories(target);
        try {
            Counts counts = new Counts();
            byte[] head = new byte[4];
            int read;
            try (InputStream in = Files.newInputStream(archive)) {
                read = in.readNBytes(head, 0, head.length);
            }
            if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
                unpackZip(archive, target, counts);
            } else if (read >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                unpackTarGz(archive, target, counts);
            } else {
                throw new InvalidRequestException(FIELD, "neither a .zip nor a .tar.gz");
            }
        } catch (InvalidRequestException e) {
            Folders.deleteTree(target);
            throw e;
        } catch (IOException | RuntimeException e) {
            Folders.deleteTree(target);
            throw new InvalidRequestException(FIELD, "cannot be unpacked: " + e.getMessage());
        }
    }

    private static final class Counts {
        int files;
        long bytes;
    }

    private void unpackZip(Path archive, Path target, Counts counts) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntries())) {
                if (entry.isUnixSymlink()) {
                    throw link(entry.getName());
                }
                if (entry.isDirectory()) {
                    directory(target, entry.getName());
                } else {
                    try (InputStream data = zip.getInputStream(entry)) {
                        file(target, entry.getName(), data, counts);
                    }
                }
            }
        }
    }

    private void unpackTarGz(Path archive, Path target, Counts counts) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                new BufferedInputStream(Files.newInputStream(archive))))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw link(entry.getName());
                }
                if (entry.isDirectory()) {
                    directory(target, entry.getName());
                } else if (entry.isFile()) {
                    file(target, entry.getName(), tar, counts);
                } else {
                    throw new InvalidRequestException(FIELD, "entry '" + entry.getName() + "' is neither a file nor a folder");
                }
            }
        }
    }

    private static void directory(Path target, String name) throws IOException {
        Path dir = inside(target, name);
        if (dir != null) {
            Files.createDirectories(dir);
        }
    }

    private void file(Path target, String name, InputStream data, Counts counts) throws IOException {
        Path file = inside(target, name);
        if (file == null) {
            return;
        }
        if (++counts.files > maxFiles) {
            throw new InvalidRequestException(FIELD, "more than " + maxFiles + " files (resnet.datasets.max-files)");
        }
        Files.createDirectories(file.getParent());
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int n; (n = data.read(buffer)) > 0; ) {
                counts.bytes += n;
                if (counts.bytes > maxBytes) {
                    throw new InvalidRequestException(FIELD, "unpacks to more than " + maxBytes
                            + " bytes (resnet.datasets.max-unpacked)");
                }
                out.write(buffer, 0, n);
            }
        } catch (FileAlreadyExistsException e) {
            throw new InvalidRequestException(FIELD, "entry '" + name + "' appears twice");
        }
    }

    /**
     * Where an entry goes, or null for macOS's "__MACOSX" resource forks; a name that would leave
     * the folder is a 400.
     */
    private static Path inside(Path target, String name) {
        String clean = name.replace('\\', '/');
        if (clean.startsWith("/") || clean.matches("^[A-Za-z]:.*") || clean.indexOf('\0') >= 0
                || Stream.of(clean.split("/")).anyMatch(".."::equals)) {
            throw new InvalidRequestException(FIELD, "entry '" + name + "' would be written outside the data set's"
                    + " folder (an absolute name or a '..' step)");
        }
        if (clean.startsWith("__MACOSX/")) {
            return null;
        }
        Path path = target.resolve(clean).normalize();
        if (!path.startsWith(target)) {
            throw new InvalidRequestException(FIELD, "entry '" + name + "' would be written outside the data set's folder");
        }
        return path;
    }

    private static InvalidRequestException link(String name) {
        return new InvalidRequestException(FIELD, "entry '" + name + "' is a link; archives with links are refused");
    }
}
