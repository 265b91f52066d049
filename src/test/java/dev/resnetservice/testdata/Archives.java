package dev.resnetservice.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Archives as people upload them, and as attackers do: .zip and .tar.gz built in memory. */
public final class Archives {

    private Archives() {
    }

    /** The files under {@code folder}, each named {@code prefix} + its path inside. */
    public static Map<String, byte[]> files(Path folder, String prefix) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(prefix + folder.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    public static byte[] zip(Map<String, byte[]> entries) {
        return zip(entries, Map.of());
    }

    /** A zip of {@code entries}, and of {@code links} (name to target) stored as Unix symbolic links. */
    public static byte[] zip(Map<String, byte[]> entries, Map<String, String> links) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeArchiveEntry();
            }
            for (Map.Entry<String, String> link : links.entrySet()) {
                ZipArchiveEntry entry = new ZipArchiveEntry(link.getKey());
                entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                zip.putArchiveEntry(entry);
                zip.write(link.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A zip with one entry of {@code size} zero bytes: a few kilobytes that unpack to {@code size}. */
    public static byte[] zipBomb(String name, long size) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            zip.putArchiveEntry(new ZipArchiveEntry(name));
            byte[] zeros = new byte[1 << 20];
            for (long written = 0; written < size; written += zeros.length) {
                zip.write(zeros, 0, (int) Math.min(zeros.length, size - written));
            }
            zip.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] tarGz(Map<String, byte[]> entries) {
        return tarGz(entries, Map.of());
    }

    /** A .tar.gz of {@code entries} (names kept as given, absolute ones too) and symbolic {@code links}. */
    public static byte[] tarGz(Map<String, byte[]> entries, Map<String, String> links) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GzipCompressorOutputStream(bytes);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry file = new TarArchiveEntry(entry.getKey(), true);
                file.setSize(entry.getValue().length);
                tar.putArchiveEntry(file);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, String> link : links.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(link.getKey(), TarConstants.LF_SYMLINK);
                entry.setLinkName(link.getValue());
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
