package dev.resnetservice.data;

import dev.resnetservice.storage.AtomicFile;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.jboss.logging.Logger;

/**
 * Fetches a CIFAR binary archive, checks its size and MD5, and unpacks the files the readers use
 * into {@code <datasets>/<its folder>}.
 */
public final class CifarDownloader {

    private static final Logger LOG = Logger.getLogger(CifarDownloader.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    // Bounds the wait for the response headers only; the body may take minutes on a slow link.
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(1);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

    private final CifarArchive archive;
    private final URI uri;
    private final String expectedMd5;
    private final long expectedBytes;

    /** {@code archive.url()} is http(s) or, for tests and offline mirrors, file. */
    public CifarDownloader(CifarArchive archive) {
        URI uri = archive.url();
        if (!List.of("http", "https", "file").contains(uri.getScheme())) {
            throw new IllegalArgumentException("uri must be http, https or file, got " + uri);
        }
        if (!archive.md5().matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("expectedMd5 must be 32 hex digits, got " + archive.md5());
        }
        if (archive.bytes() < 1) {
            throw new IllegalArgumentException("expectedBytes must be positive, got " + archive.bytes());
        }
        this.archive = archive;
        this.uri = uri;
        this.expectedMd5 = archive.md5().toLowerCase(Locale.ROOT);
        this.expectedBytes = archive.bytes();
    }

    /** Downloads, verifies and unpacks the archive; returns {@code <datasetsDir>/<its folder>}. */
    public Path download(Path datasetsDir) {
        Path folder = datasetsDir.resolve(archive.folder());
        Path file;
        try {
            Files.createDirectories(datasetsDir);
            file = Files.createTempFile(datasetsDir, archive.folder() + ".tar.gz.", ".part");
        } catch (IOException e) {
            throw new DatasetException("cannot write to " + datasetsDir + " (" + e + ")", e);
        }
        try {
            fetch(file, folder);
            verifySize(file);
            verifyMd5(file, expectedMd5);
            return extract(archive, file, datasetsDir);
        } finally {
            deleteQuietly(file);
        }
    }

    private void fetch(Path archive, Path folder) {
        LOG.infof("downloading %s (%,d bytes) for %s", uri, expectedBytes, folder);
        try {
            if ("file".equals(uri.getScheme())) {
                // java.net.http cannot read file: URIs.
                Files.copy(Path.of(uri), archive, StandardCopyOption.REPLACE_EXISTING);
            } else {
                fetchHttp(archive);
            }
        } catch (IOException e) {
            throw new DatasetException("could not download " + uri + " (" + e + "): fill " + folder
                    + " by hand with the files of that archive", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("download of " + uri + " for " + folder + " was interrupted", e);
        }
    }

    private void fetchHttp(Path archive) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP status " + response.statusCode());
            }
            copyWithProgress(body, archive);
        }
    }

    private void copyWithProgress(InputStream body, Path archive) throws IOException {
        long start = System.nanoTime();
        long lastLog = start;
        long done = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(archive)) {
            for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                out.write(buffer, 0, n);
                done += n;
                long now = System.nanoTime();
                if (now - lastLog >= PROGRESS_EVERY_NANOS) {
                    logProgress(done, now - start);
                    lastLog = now;
                }
            }
        }
        logProgress(done, System.nanoTime() - start);
    }

    private void logProgress(long done, long nanos) {
        double bytesPerSecond = done / Math.max(nanos / 1e9, 1e-3);
        String eta = bytesPerSecond > 0
                ? Math.round(Math.max(expectedBytes - done, 0) / bytesPerSecond) + " s left"
                : "time left unknown";
        LOG.infof("%s: %,d of %,d bytes (%.0f%%), %.1f MB/s, %s",
                uri, done, expectedBytes, 100.0 * done / expectedBytes, bytesPerSecond / 1e6, eta);
    }

    private void verifySize(Path archive) {
        long bytes;
        try {
            bytes = Files.size(archive);
        } catch (IOException e) {
            throw new DatasetException(archive + ": cannot be read (" + e + ")", e);
        }
        if (bytes != expectedBytes) {
            throw new DatasetException(String.format(Locale.ROOT, "%s: %,d bytes downloaded from %s, expected %,d",
                    archive, bytes, uri, expectedBytes));
        }
    }

    /** Throws when {@code file}'s MD5 is not {@code expectedMd5} (hex, either case). */
    public static void verifyMd5(Path file, String expectedMd5) {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md5.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot be read (" + e + ")", e);
        }
        String actual = HexFormat.of().formatHex(md5.digest());
        if (!actual.equalsIgnoreCase(expectedMd5)) {
            throw new DatasetException(file + ": MD5 " + actual + ", expected " + expectedMd5
                    + " (a damaged or different archive)");
        }
    }

    /**
     * Unpacks the members of {@code archive} from the {@code .tar.gz} {@code file} into {@code
     * <datasetsDir>/<its folder>} and returns that folder; every other entry is ignored. Members are
     * staged first so that an archive missing one changes nothing.
     */
    public static Path extract(CifarArchive archive, Path file, Path datasetsDir) {
        Path folder = datasetsDir.resolve(archive.folder());
        Path staging = null;
        try {
            Files.createDirectories(datasetsDir);
            staging = Files.createTempDirectory(datasetsDir, "." + archive.folder() + ".");
            Set<String> found = unpackMembers(archive, file, staging);
            String missing = archive.required().stream()
                    .filter(name -> !found.contains(name))
                    .map(name -> archive.folder() + "/" + name)
                    .collect(Collectors.joining(", "));
            if (!missing.isEmpty()) {
                throw new DatasetException(file + ": no " + missing + ", expected the " + archive.title()
                        + " binary archive from " + archive.url());
            }
            Files.createDirectories(folder);
            for (String member : found) {
                Files.move(staging.resolve(member), folder.resolve(member),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.infof("unpacked %s into %s", found, folder);
            return folder;
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot unpack into " + folder + " (" + e + ")", e);
        } finally {
            if (staging != null) {
                deleteStaging(archive, staging);
            }
        }
    }

    private static Set<String> unpackMembers(CifarArchive archive, Path file, Path staging) throws IOException {
        // Entry name -> our own file name: an archive's names are only compared, never turned into paths.
        Map<String, String> memberByEntry = archive.members().stream()
                .collect(Collectors.toUnmodifiableMap(member -> archive.folder() + "/" + member, Function.identity()));
        Set<String> found = new TreeSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String member = memberByEntry.get(entry.getName());
                // Links would point elsewhere; isFile() alone also accepts them.
                if (member == null || !entry.isFile() || entry.isSymbolicLink() || entry.isLink()) {
                    continue;
                }
                // Anything far bigger than the real member is not this archive and must not fill the disk.
                if (entry.getSize() > archive.maxMemberBytes()) {
                    throw new DatasetException(String.format(Locale.ROOT, "%s: %s has %,d bytes, expected at most %,d",
                            file, entry.getName(), entry.getSize(), archive.maxMemberBytes()));
                }
                AtomicFile.write(staging.resolve(member), tar::transferTo);
                found.add(member);
            }
        }
        return found;
    }

    /** The staging folder only ever holds names from the archive's own list. */
    private static void deleteStaging(CifarArchive archive, Path staging) {
        archive.members().forEach(member -> deleteQuietly(staging.resolve(member)));
        deleteQuietly(staging);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("could not delete %s: %s", path, e);
        }
    }
}
