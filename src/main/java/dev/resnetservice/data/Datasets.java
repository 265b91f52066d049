package dev.resnetservice.data;

import dev.resnetservice.ResnetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Finds a job's data: a CIFAR folder it names, the home folder's CIFAR-10 or CIFAR-100 (fetched on
 * first use when downloads are allowed), or an imported data set's records. The last data set read
 * stays in memory, since jobs mostly train on the same one.
 */
@ApplicationScoped
public class Datasets {

    /** An imported data set's records, in CIFAR-10's layout. */
    public static final String IMPORTED_TRAIN = "train.bin";
    public static final String IMPORTED_TEST = "test.bin";

    private final Path datasetsDir;
    private final boolean download;
    private final Map<CifarArchive, URI> urls;
    private String cachedKey;
    private ImageDataset cached;

    public Datasets(ResnetConfig config) {
        this.datasetsDir = config.home().toAbsolutePath().normalize().resolve("datasets");
        this.download = config.dataset().download();
        this.urls = Map.of(CifarArchive.CIFAR10, config.dataset().url(),
                CifarArchive.CIFAR100, config.dataset().cifar100Url());
    }

    public Path defaultFolder(CifarArchive archive) {
        return datasetsDir.resolve(archive.folder());
    }

    /** Whether the home folder holds every file of the archive the reader needs. */
    public boolean present(CifarArchive archive) {
        Path folder = defaultFolder(archive);
        return archive.required().stream().allMatch(file -> Files.isRegularFile(folder.resolve(file)));
    }

    /**
     * Fails fast, at submit time, for data that cannot be had: a named folder that is missing, or
     * no default data with downloads off.
     */
    public void checkAvailable(CifarArchive archive, String path) {
        if (path != null) {
            if (!Files.isDirectory(Path.of(path))) {
                throw new DatasetException("no folder " + path + ": dataset.path must name a folder with the "
                        + archive.title() + " binary files");
            }
        } else if (!Files.isDirectory(defaultFolder(archive)) && !download) {
            throw new DatasetException(missingMessage(archive));
        }
    }

    /** Reads the data (downloading the default data set first when it is missing and allowed). */
    public synchronized ImageDataset load(CifarArchive archive, String path, boolean coarse) {
        Path folder = folder(archive, path);
        if (path == null && !key(folder, coarse).equals(cachedKey) && !present(archive)) {
            if (!download) {
                throw new DatasetException(missingMessage(archive));
            }
            URI url = urls.get(archive);
            new CifarDownloader(archive.at(url, archive.md5(), archive.bytes())).download(datasetsDir);
        }
        return read(archive, folder, coarse);
    }

    /** Reads the data only if it is on disk: for looking at a job's images, never a reason to download. */
    public synchronized ImageDataset loadPresent(CifarArchive archive, String path, boolean coarse) {
        return read(archive, folder(archive, path), coarse);
    }

    /**
     * An imported data set ({@code train.bin}, {@code test.bin}) with its class names. Cached by
     * folder and write time: a data set deleted and imported again under its name is read again.
     */
    public synchronized ImageDataset loadImported(Path folder, List<String> classes) {
        Path train = folder.resolve(IMPORTED_TRAIN);
        String key;
        try {
            key = folder + "@" + Files.getLastModifiedTime(train);
        } catch (IOException e) {
            throw new DatasetException("the data set in " + folder + " has no " + IMPORTED_TRAIN + ": import it again", e);
        }
        Cifar10Reader.Layout layout = Cifar10Reader.Layout.imported(classes.size());
        return cache(key, () -> new ImageDataset(Cifar10Reader.readSplit(folder, List.of(IMPORTED_TRAIN), layout),
                Cifar10Reader.readSplit(folder, List.of(IMPORTED_TEST), layout), classes));
    }

    private Path folder(CifarArchive archive, String path) {
        return path == null ? defaultFolder(archive) : Path.of(path).toAbsolutePath().normalize();
    }

    private static String key(Path folder, boolean coarse) {
        return folder + (coarse ? "#coarse" : "");
    }

    private ImageDataset read(CifarArchive archive, Path folder, boolean coarse) {
        return cache(key(folder, coarse), () -> archive == CifarArchive.CIFAR100 ? Cifar100Reader.read(folder, coarse)
                : Cifar10Reader.read(folder));
    }

    private ImageDataset cache(String key, Supplier<ImageDataset> read) {
        if (!key.equals(cachedKey)) {
            cachedKey = null;
            cached = read.get();
            cachedKey = key;
        }
        return cached;
    }

    private String missingMessage(CifarArchive archive) {
        return "no " + archive.title() + " data in " + defaultFolder(archive) + " and downloads are off"
                + " (resnet.dataset.download=false): fill that folder with the files of " + urls.get(archive)
                + " or allow downloads";
    }
}
