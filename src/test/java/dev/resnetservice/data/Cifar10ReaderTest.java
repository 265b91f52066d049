package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.SyntheticCifar10;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10ReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFiveTrainFilesIntoOneStoreAndTheTestFileIntoAnother() {
        ImageDataset data = Cifar10Reader.read(SyntheticCifar10.write(dir, 53, 17, 7));
        assertEquals(53, data.train().size());
        assertEquals(17, data.test().size());
        for (int i = 0; i < 53; i++) {
            assertEquals(i % 10, data.train().label(i), "train label " + i);
        }
        assertEquals(Cifar10Reader.STANDARD_CLASSES, data.classes());
    }

    @Test
    void keepsEveryRecordsPixelsInFileOrder() throws Exception {
        SyntheticCifar10.write(dir, 53, 17, 7);
        ImageDataset data = Cifar10Reader.read(dir);
        assertSameRecords(concat(Cifar10Reader.TRAIN_FILES), data.train());
        assertSameRecords(Files.readAllBytes(dir.resolve(Cifar10Reader.TEST_FILE)), data.test());
    }

    @Test
    void usesStandardClassNamesWithoutMetaFile() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.delete(dir.resolve(Cifar10Reader.META_FILE));
        assertEquals(Cifar10Reader.STANDARD_CLASSES, Cifar10Reader.read(dir).classes());
    }

    @Test
    void readsClassNamesFromMetaFileIgnoringBlankLines() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.writeString(dir.resolve(Cifar10Reader.META_FILE), "a\nb\n\nc\nd\ne\nf\ng\nh\ni\n  j  \n\n");
        assertEquals(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"), Cifar10Reader.read(dir).classes());
    }

    @Test
    void rejectsMetaFileWithoutExactlyTenNames() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.writeString(dir.resolve(Cifar10Reader.META_FILE), "a\nb\nc\n");
        assertMessage(dir, "batches.meta.txt: 3 class names, expected 10");
    }

    @Test
    void rejectsMissingFolderNamingItAndTheArchive() {
        Path missing = dir.resolve("nowhere");
        assertMessage(missing, "missing folder " + missing, Cifar10Reader.ARCHIVE_URL);
    }

    @Test
    void rejectsMissingBatchFileNamingItAndWhereToGetIt() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.delete(dir.resolve("data_batch_2.bin"));
        assertMessage(dir, "missing " + dir.resolve("data_batch_2.bin") + ": fill " + dir, Cifar10Reader.ARCHIVE_URL);
    }

    @Test
    void rejectsFileWhoseSizeIsNotAMultipleOfRecordSize() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.write(dir.resolve("data_batch_3.bin"), new byte[30_000]);
        assertMessage(dir, "data_batch_3.bin: 30,000 bytes is not a multiple of 3,073");
    }

    @Test
    void rejectsEmptyFile() throws Exception {
        SyntheticCifar10.write(dir, 5, 1, 0);
        Files.write(dir.resolve(Cifar10Reader.TEST_FILE), new byte[0]);
        assertMessage(dir, "test_batch.bin: empty");
    }

    @Test
    void rejectsLabelAboveNineNamingFileAndRecord() throws Exception {
        SyntheticCifar10.write(dir, 5, 20, 0);
        Path test = dir.resolve(Cifar10Reader.TEST_FILE);
        byte[] bytes = Files.readAllBytes(test);
        bytes[17 * Cifar10Reader.RECORD_BYTES] = 12;
        Files.write(test, bytes);
        assertMessage(dir, "test_batch.bin: record 17 has label 12, expected 0..9");
    }

    private static void assertMessage(Path folder, String... parts) {
        DatasetException e = assertThrows(DatasetException.class, () -> Cifar10Reader.read(folder));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    private byte[] concat(List<String> names) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : names) {
            out.write(Files.readAllBytes(dir.resolve(name)));
        }
        return out.toByteArray();
    }

    private static void assertSameRecords(byte[] file, ImageStore store) {
        assertEquals(file.length, store.size() * Cifar10Reader.RECORD_BYTES);
        for (int i = 0; i < store.size(); i++) {
            int at = i * Cifar10Reader.RECORD_BYTES;
            assertEquals(file[at], store.label(i), "label " + i);
            ByteBuffer image = ByteBuffer.allocate(ImageStore.IMAGE_BYTES);
            store.copyImage(i, image);
            assertArrayEquals(Arrays.copyOfRange(file, at + 1, at + Cifar10Reader.RECORD_BYTES), image.array(), "image " + i);
        }
    }
}
