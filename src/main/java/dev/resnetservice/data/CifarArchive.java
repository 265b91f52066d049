package dev.resnetservice.data;

import java.net.URI;
import java.util.List;
import java.util.stream.Stream;

/**
 * One of the official CIFAR binary archives (https://www.cs.toronto.edu/~kriz/cifar.html): where it
 * is published, the size and MD5 it must have, and the files of it the service keeps under
 * {@code <home>/datasets/<folder>}. CIFAR-100's size and MD5 are those of the archive in
 * datasets-mila/datasets--cifar100 (its md5sums file and git-annex key).
 */
public record CifarArchive(String title, String format, URI url, String md5, long bytes, String folder,
        List<String> required, List<String> optional, long maxMemberBytes) {

    public static final CifarArchive CIFAR10 = new CifarArchive("CIFAR-10", "cifar10-binary",
            URI.create(Cifar10Reader.ARCHIVE_URL), "c32a1d4ab5d03f1284b67883e8d87530", 170_052_171L,
            Cifar10Reader.FOLDER_NAME, Cifar10Reader.BATCH_FILES, List.of(Cifar10Reader.META_FILE), 64L << 20);

    // train.bin, the largest member, has 50,000 records of 3,074 bytes: 153,700,000 bytes.
    public static final CifarArchive CIFAR100 = new CifarArchive("CIFAR-100", "cifar100-binary",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8",
            168_513_733L, Cifar100Reader.FOLDER_NAME, Cifar100Reader.MEMBERS, List.of(), 160L << 20);

    public static final List<CifarArchive> ALL = List.of(CIFAR10, CIFAR100);

    /** Every file of the archive the service keeps. */
    public List<String> members() {
        return Stream.concat(required.stream(), optional.stream()).toList();
    }

    /** The same files from another place (a mirror, a test's archive) with its own size and MD5. */
    public CifarArchive at(URI mirror, String mirrorMd5, long mirrorBytes) {
        return new CifarArchive(title, format, mirror, mirrorMd5, mirrorBytes, folder, required, optional, maxMemberBytes);
    }

    /** The archive of a job's {@code dataset.format}. */
    public static CifarArchive of(String format) {
        return ALL.stream().filter(archive -> archive.format().equals(format)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CIFAR archive for format " + format));
    }
}
