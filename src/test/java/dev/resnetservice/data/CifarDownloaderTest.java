package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.resnetservice.testdata.SyntheticCifar10;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarDownloaderTest {

    private static final String PREFIX = Cifar10Reader.FOLDER_NAME + "/";

    @TempDir
    Path dir;

    private Path source;
    private Path datasets;

    @BeforeEach
    void writeSource() {
        source = SyntheticCifar10.write(dir.resolve("source"), 25, 10, 1);
        datasets = dir.resolve("home").resolve("datasets");
    }

    @Test
    void extractsOnlyTheExpectedMembersAndNothingOutsideTheFolder() throws Exception {
        Path archive = archive(tar -> {
            addFile(tar, "../evil.bin", bytes("evil"));
            addFile(tar, PREFIX + "../../x", bytes("evil"));
            addFile(tar, PREFIX + "../evil.bin", bytes("evil"));
            addFile(tar, PREFIX + "readme.html", bytes("not ours"));
            addMembers(tar, Cifar10Reader.MEMBERS);
            // After the real member, so following it would replace that member's content.
            addSymlink(tar, PREFIX + "data_batch_1.bin", "/etc/passwd");
        });

        Path folder = CifarDownloader.extract(CifarArchive.CIFAR10, archive, datasets);

        assertEquals(datasets.resolve(Cifar10Reader.FOLDER_NAME), folder);
        Set<Path> expected = Cifar10Reader.MEMBERS.stream().map(folder::resolve).collect(Collectors.toSet());
        assertEquals(expected, filesUnder(dir.resolve("home")));
        for (String member : Cifar10Reader.MEMBERS) {
            assertFalse(Files.isSymbolicLink(folder.resolve(member)), member);
            assertArrayEquals(Files.readAllBytes(source.resolve(member)), Files.readAllBytes(folder.resolve(member)), member);
        }
        assertEquals(25, Cifar10Reader.read(folder).train().size());
    }

    @Test
    void rejectsArchiveMissingABatchFileAndWritesNothing() throws Exception {
        Path archive = archive(tar -> addMembers(tar, List.of("data_batch_1.bin", "data_batch_2.bin",
                "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "batches.meta.txt")));

        DatasetException e = assertThrows(DatasetException.class, () -> CifarDownloader.extract(CifarArchive.CIFAR10, archive, datasets));

        assertTrue(e.getMessage().contains(archive + ": no " + PREFIX + "test_batch.bin"), e.getMessage());
        assertEquals(Set.of(), filesUnder(dir.resolve("home")));
    }

    @Test
    void verifyMd5AcceptsTheFilesDigestInEitherCase() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));
        CifarDownloader.verifyMd5(archive, md5(archive));
        CifarDownloader.verifyMd5(archive, md5(archive).toUpperCase());
    }

    @Test
    void verifyMd5RejectsAWrongDigestNamingFileAndBothDigests() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));
        String wrong = "0".repeat(32);

        DatasetException e = assertThrows(DatasetException.class, () -> CifarDownloader.verifyMd5(archive, wrong));

        assertTrue(e.getMessage().contains(archive + ": MD5 " + md5(archive) + ", expected " + wrong), e.getMessage());
    }

    @Test
    void downloadsFromFileUriVerifiesAndUnpacks() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));

        Path folder = new CifarDownloader(CifarArchive.CIFAR10.at(archive.toUri(), md5(archive), Files.size(archive))).download(datasets);

        assertEquals(10, Cifar10Reader.read(folder).test().size());
        assertEquals(Set.of(folder), Files.list(datasets).collect(Collectors.toSet()), "no temporary files left");
    }

    @Test
    void downloadWithWrongMd5FailsAndLeavesNoFiles() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));
        CifarDownloader downloader = new CifarDownloader(CifarArchive.CIFAR10.at(archive.toUri(), "1".repeat(32), Files.size(archive)));

        DatasetException e = assertThrows(DatasetException.class, () -> downloader.download(datasets));

        assertTrue(e.getMessage().contains("expected " + "1".repeat(32)), e.getMessage());
        assertEquals(Set.of(), filesUnder(dir.resolve("home")));
    }

    @Test
    void downloadWithWrongSizeFailsNamingBothSizes() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));
        long size = Files.size(archive);
        CifarDownloader downloader = new CifarDownloader(CifarArchive.CIFAR10.at(archive.toUri(), md5(archive), size + 1));

        DatasetException e = assertThrows(DatasetException.class, () -> downloader.download(datasets));

        assertTrue(e.getMessage().contains(String.format("%,d bytes downloaded from %s, expected %,d",
                size, archive.toUri(), size + 1)), e.getMessage());
        assertEquals(Set.of(), filesUnder(dir.resolve("home")));
    }

    @Test
    void downloadsOverHttpFollowingARedirect() throws Exception {
        Path archive = archive(tar -> addMembers(tar, Cifar10Reader.MEMBERS));
        byte[] body = Files.readAllBytes(archive);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/cifar-10-binary.tar.gz");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI uri = URI.create("http://localhost:" + server.getAddress().getPort() + "/moved");
            Path folder = new CifarDownloader(CifarArchive.CIFAR10.at(uri, md5(archive), body.length)).download(datasets);
            assertEquals(25, Cifar10Reader.read(folder).train().size());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void failedDownloadNamesTheFolderToFillAndTheUrl() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI uri = URI.create("http://localhost:" + closedPort + "/cifar-10-binary.tar.gz");
        CifarDownloader downloader = new CifarDownloader(CifarArchive.CIFAR10.at(uri, "0".repeat(32), 1));

        DatasetException e = assertThrows(DatasetException.class, () -> downloader.download(datasets));

        assertTrue(e.getMessage().contains("could not download " + uri), e.getMessage());
        assertTrue(e.getMessage().contains("fill " + datasets.resolve(Cifar10Reader.FOLDER_NAME) + " by hand"), e.getMessage());
        assertEquals(Set.of(), filesUnder(dir.resolve("home")));
    }

    @FunctionalInterface
    private interface TarContent {
        void writeTo(TarArchiveOutputStream tar) throws IOException;
    }

    private Path archive(TarContent content) throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive")).resolve("cifar-10-binary.tar.gz");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(
                new GzipCompressorOutputStream(Files.newOutputStream(archive)))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            content.writeTo(tar);
        }
        return archive;
    }

    private void addMembers(TarArchiveOutputStream tar, List<String> members) throws IOException {
        for (String member : members) {
            addFile(tar, PREFIX + member, Files.readAllBytes(source.resolve(member)));
        }
    }

    private static void addFile(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void addSymlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String md5(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
    }

    /** Every file and link below {@code root}, which must stay empty when nothing is extracted. */
    private static Set<Path> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> !Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .collect(Collectors.toSet());
        }
    }
}
