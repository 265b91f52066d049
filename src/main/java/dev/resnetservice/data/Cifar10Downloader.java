package dev.resnetservice.data;

import static dev.resnetservice.data.Cifar10Reader.ARCHIVE_URL;
import static dev.resnetservice.data.Cifar10Reader.BATCH_FILES;
import static dev.resnetservice.data.Cifar10Reader.FOLDER_NAME;
import static dev.resnetservice.data.Cifar10Reader.MEMBERS;

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
 * Fetches the CIFAR-10 binary archive, checks its size and MD5, and unpacks the files that
 * {@link Cifar10Reader} reads into {@code <datasets>/cifar-10-batches-bin}.
 */
public final class Cifar10Downloader {

    public static final long ARCHIVE_BYTES = 170_052_171L;
    public static final String ARCHIVE_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

    private static final Logger LOG = Logger.getLogger(Cifar10Downloader.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    // Bounds the wait for the response headers only; the body may take minutes on a slow link.
    private static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(1);
    private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();
    // The largest real member is 30,730,000 bytes; anything far bigger is not CIFAR-10 and must not fill the disk.
    private static final long MAX_MEMBER_BYTES = 64L << 20;
    // Entry name -> our own file name: an archive's names are only compared, never turned into paths.
    private static final Map<String, String> MEMBER_BY_ENTRY = MEMBERS.stream()
            .collect(Collectors.toUnmodifiableMap(member -> FOLDER_NAME + "/" + member, Function.identity()));

    private final URI uri;
    private final String expectedMd5;
    private final long expectedBytes;

    /** {@code uri} is http(s) or, for tests and offline mirrors, file. */
    public Cifar10Downloader(URI uri, String expectedMd5, long expectedBytes) {
        if (!List.of("http", "https", "file").contains(uri.getScheme())) {
            throw new IllegalArgumentException("uri must be http, https or file, got " + uri);
        }
        if (!expectedMd5.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("expectedMd5 must be 32 hex digits, got " + expectedMd5);
        }
        if (expectedBytes < 1) {
            throw new IllegalArgumentException("expectedBytes must be positive, got " + expectedBytes);
        }
        this.uri = uri;
        this.expectedMd5 = expectedMd5.toLowerCase(Locale.ROOT);
        this.expectedBytes = expectedBytes;
    }

    /** The archive published by the dataset's authors. */
    public static Cifar10Downloader official() {
        return new Cifar10Downloader(URI.create(ARCHIVE_URL), ARCHIVE_MD5, ARCHIVE_BYTES);
    }

    /** Downloads, verifies and unpacks the archive; returns {@code <datasetsDir>/cifar-10-batches-bin}. */
    public Path download(Path datasetsDir) {
        Path folder = datasetsDir.resolve(FOLDER_NAME);
        Path archive;
        try {
            Files.createDirectories(datasetsDir);
            archive = Files.createTempFile(datasetsDir, "cifar-10-binary.tar.gz.", ".part");
        } catch (IOException e) {
            throw new DatasetException("cannot write to " + datasetsDir + " (" + e + ")", e);
        }
        try {
            fetch(archive, folder);
            verifySize(archive);
            verifyMd5(archive, expectedMd5);
            return extract(archive, datasetsDir);
        } finally {
            deleteQuietly(archive);
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
     * Unpacks the members {@link Cifar10Reader} reads from a {@code .tar.gz} into
     * {@code <datasetsDir>/cifar-10-batches-bin} and returns that folder; every other entry is ignored.
     * Members are staged first so that an archive missing a batch file changes nothing.
     */
    public static Path extract(Path archive, Path datasetsDir) {
        Path folder = datasetsDir.resolve(FOLDER_NAME);
        Path staging = null;
        try {
            Files.createDirectories(datasetsDir);
            staging = Files.createTempDirectory(datasetsDir, "." + FOLDER_NAME + ".");
            Set<String> found = unpackMembers(archive, staging);
            String missing = BATCH_FILES.stream()
                    .filter(name -> !found.contains(name))
                    .map(name -> FOLDER_NAME + "/" + name)
                    .collect(Collectors.joining(", "));
            if (!missing.isEmpty()) {
                throw new DatasetException(archive + ": no " + missing
                        + ", expected the CIFAR-10 binary archive from " + ARCHIVE_URL);
            }
            Files.createDirectories(folder);
            for (String member : found) {
                Files.move(staging.resolve(member), folder.resolve(member),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.infof("unpacked %s into %s", found, folder);
            return folder;
        } catch (IOException e) {
            throw new DatasetException(archive + ": cannot unpack into " + folder + " (" + e + ")", e);
        } finally {
            if (staging != null) {
                deleteStaging(staging);
            }
        }
    }

    private static Set<String> unpackMembers(Path archive, Path staging) throws IOException {
        Set<String> found = new TreeSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String member = MEMBER_BY_ENTRY.get(entry.getName());
                // Links would point elsewhere; isFile() alone also accepts them.
                if (member == null || !entry.isFile() || entry.isSymbolicLink() || entry.isLink()) {
                    continue;
                }
                if (entry.getSize() > MAX_MEMBER_BYTES) {
                    throw new DatasetException(String.format(Locale.ROOT, "%s: %s has %,d bytes, expected at most %,d",
                            archive, entry.getName(), entry.getSize(), MAX_MEMBER_BYTES));
                }
                AtomicFile.write(staging.resolve(member), tar::transferTo);
                found.add(member);
            }
        }
        return found;
    }

    /** The staging folder only ever holds names from our own list. */
    private static void deleteStaging(Path staging) {
        MEMBERS.forEach(member -> deleteQuietly(staging.resolve(member)));
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
