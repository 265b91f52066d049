package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.testdata.Archives;
import dev.resnetservice.testdata.SyntheticCifar100;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100ReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsFineLabelsByDefaultAndTheTwentySuperClassesWhenAsked() {
        Path folder = SyntheticCifar100.write(dir.resolve("cifar-100-binary"), 250, 120, 3);
        ImageDataset fine = Cifar100Reader.read(folder, false);
        assertEquals(100, fine.classes().size());
        assertEquals("fine_7", fine.classes().get(7));
        assertEquals(250, fine.train().size());
        assertEquals(120, fine.test().size());
        assertEquals(SyntheticCifar100.fine(137), fine.train().label(137));

        ImageDataset coarse = Cifar100Reader.read(folder, true);
        assertEquals(20, coarse.classes().size());
        assertEquals(SyntheticCifar100.fine(137) % 20, coarse.train().label(137));
        assertEquals(fine.train().image(5)[100], coarse.train().image(5)[100], "same pixels, other label");
    }

    @Test
    void aWrongRecordSizeNamesTheLayout() throws Exception {
        Path folder = SyntheticCifar100.write(dir.resolve("cifar-100-binary"), 10, 10, 3);
        Files.write(folder.resolve(Cifar100Reader.TEST_FILE), new byte[3073]);
        DatasetException e = assertThrows(DatasetException.class, () -> Cifar100Reader.read(folder, false));
        assertTrue(e.getMessage().contains("not a multiple of 3,074 (2 label byte(s)"), e.getMessage());
    }

    @Test
    void theArchiveIsCheckedAndUnpackedLikeCifar10s() throws Exception {
        Path source = SyntheticCifar100.write(dir.resolve("source"), 20, 10, 4);
        Path archive = Files.write(dir.resolve("cifar-100-binary.tar.gz"),
                Archives.tarGz(Archives.files(source, "cifar-100-binary/")));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(archive)));
        Path folder = new CifarDownloader(CifarArchive.CIFAR100.at(archive.toUri(), md5, Files.size(archive)))
                .download(dir.resolve("datasets"));
        assertEquals(dir.resolve("datasets").resolve("cifar-100-binary"), folder);
        assertEquals(20, Cifar100Reader.read(folder, true).classes().size());
    }
}
