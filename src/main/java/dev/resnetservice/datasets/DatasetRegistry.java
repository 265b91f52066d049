package dev.resnetservice.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.data.CifarArchive;
import dev.resnetservice.data.Datasets;
import dev.resnetservice.data.ImageDataset;
import dev.resnetservice.data.ImageStore;
import dev.resnetservice.data.Normalization;
import dev.resnetservice.data.PngDataUrl;
import dev.resnetservice.inference.ImageDecoder;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobRepository;
import dev.resnetservice.jobs.JobSpec;
import dev.resnetservice.storage.AtomicFile;
import dev.resnetservice.storage.Folders;
import dev.resnetservice.web.ProblemException;
import dev.resnetservice.web.InvalidRequestException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The imported data sets, each a folder {@code <home>/datasets/<name>/} with its {@code dataset.json}
 * and records. Files, not the job store, so both modes share them on the home folder; creating the
 * folder is what reserves a name, also across API replicas. Imports run one at a time in the
 * background, writing their progress about once a second.
 */
@ApplicationScoped
public class DatasetRegistry {

    private static final Logger LOG = Logger.getLogger(DatasetRegistry.class);
    private static final String INFO = "dataset.json";
    /** The home folder's CIFAR sets, listed once their files are there and named in jobs like imported ones. */
    private static final Map<String, CifarArchive> BUILT_IN = Map.of("cifar10", CifarArchive.CIFAR10,
            "cifar100", CifarArchive.CIFAR100);
    // dataset.json shows the progress about once a second, and at least every 1,000 files
    private static final long PROGRESS_EVERY_NANOS = 1_000_000_000L;
    private static final int PROGRESS_EVERY_FILES = 1_000;

    private final Path dir;
    private final DatasetRoots roots;
    private final Datasets datasets;
    private final JobRepository jobs;
    private final ObjectMapper mapper;
    private final ImageFolderImport importer;
    private final ArchiveUnpacker unpacker;
    private final int maxFiles;
    private final long maxUpload;
    private final boolean embedded;
    private final Map<String, DatasetInfo> described = new ConcurrentHashMap<>();
    private final ExecutorService imports = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "dataset-import");
        thread.setDaemon(true);
        return thread;
    });

    public DatasetRegistry(ResnetConfig config, DatasetRoots roots, Datasets datasets, JobRepository jobs,
            ObjectMapper mapper) {
        this.dir = config.home().toAbsolutePath().normalize().resolve("datasets");
        this.roots = roots;
        this.datasets = datasets;
        this.jobs = jobs;
        this.mapper = mapper;
        this.importer = new ImageFolderImport(new ImageDecoder(config.datasets().maxImagePixels(),
                config.predict().maxSide()));
        this.maxFiles = config.datasets().maxFiles();
        this.maxUpload = config.datasets().maxUpload().asLongValue();
        this.unpacker = new ArchiveUnpacker(config.datasets().maxUnpacked().asLongValue(), maxFiles);
        this.embedded = config.embedded();
    }

    /** Embedded mode owns the home folder: an import still running on disk was cut off by a stop. */
    void onStart(@Observes StartupEvent event) {
        if (!embedded) {
            return;
        }
        for (DatasetInfo info : list()) {
            if (DatasetInfo.IMPORTING.equals(info.state())) {
                save(info.failed("the service stopped during the import: DELETE the data set and import it again",
                        info.skipped(), Instant.now()));
            }
        }
    }

    public List<DatasetInfo> list() {
        List<DatasetInfo> all = new ArrayList<>();
        BUILT_IN.keySet().stream().sorted().forEach(name -> builtIn(name).ifPresent(all::add));
        if (!Files.isDirectory(dir)) {
            return all;
        }
        try (Stream<Path> folders = Files.list(dir)) {
            for (Path folder : folders.sorted().toList()) {
                read(folder).ifPresent(all::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return all;
    }

    public DatasetInfo get(String name) {
        ImportRequest.requireName(name);
        Optional<DatasetInfo> info = BUILT_IN.containsKey(name) ? builtIn(name) : read(dir.resolve(name));
        return info.orElseThrow(() -> new DatasetNotFoundException(name));
    }

    /** The format of a built-in data set's name (cifar10, cifar100), which a job reads like a dataset.format. */
    public Optional<String> builtInFormat(String name) {
        return Optional.ofNullable(BUILT_IN.get(name)).map(CifarArchive::format);
    }

    /** A built-in set's classes, counts and statistics, computed once per version of its files (a second or two). */
    private Optional<DatasetInfo> builtIn(String name) {
        CifarArchive archive = BUILT_IN.get(name);
        if (!datasets.present(archive)) {
            return Optional.empty();
        }
        Path folder = datasets.defaultFolder(archive);
        Instant written;
        try {
            written = Files.getLastModifiedTime(folder.resolve(archive.required().get(0))).toInstant();
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(described.computeIfAbsent(name + "@" + written, key -> describe(name, archive, folder, written)));
    }

    private DatasetInfo describe(String name, CifarArchive archive, Path folder, Instant written) {
        ImageDataset data = datasets.loadPresent(archive, null, false);
        int[][] counts = new int[2][data.classes().size()];
        ChannelStatistics statistics = new ChannelStatistics();
        for (int i = 0; i < data.train().size(); i++) {
            counts[0][data.train().label(i)]++;
            statistics.add(data.train().image(i));
        }
        for (int i = 0; i < data.test().size(); i++) {
            counts[1][data.test().label(i)]++;
        }
        List<DatasetInfo.ClassCounts> classes = new ArrayList<>();
        for (int label = 0; label < counts[0].length; label++) {
            classes.add(new DatasetInfo.ClassCounts(data.classes().get(label), counts[0][label], counts[1][label]));
        }
        Normalization normalization = statistics.normalization();
        return new DatasetInfo(name, archive.format(), DatasetInfo.READY, folder.toString(), written, written, null, classes,
                new DatasetInfo.Counts(data.train().size(), data.test().size()), normalization.mean(), normalization.std(),
                List.of(), null);
    }

    /** Checks the folder and its layout now (a 4xx names what is wrong), then imports it in the background. */
    public DatasetInfo importFolder(ImportRequest request) {
        requireNameFree(request.name());
        Path source = roots.folder("path", request.path());
        ImageFolder folder = ImageFolder.scan(source, request.testSplit(), request.seed(), maxFiles);
        return start(request, source.toString(), folder, null);
    }

    /**
     * Unpacks an uploaded archive ({@code request.path()} is its file name) next to the data sets,
     * checks it like a folder, then imports it in the background; the unpacked files go afterwards.
     */
    public DatasetInfo importArchive(ImportRequest request, Path archive) throws IOException {
        // A body of unknown length (chunked) passed RequestBodyLimit: held to Quarkus' limit, the largest upload's.
        long size = Files.size(archive);
        if (size > maxUpload) {
            throw ProblemException.tooLarge("archive", size, maxUpload, "resnet.datasets.max-upload");
        }
        requireNameFree(request.name());
        Path incoming = dir.resolve(".incoming").resolve(request.name() + "-" + UUID.randomUUID());
        unpacker.unpack(archive, incoming);
        try {
            ImageFolder folder = ImageFolder.scan(topFolder(incoming), request.testSplit(), request.seed(), maxFiles);
            return start(request, "upload " + request.path(), folder, incoming);
        } catch (RuntimeException e) {
            Folders.deleteTree(incoming);
            throw e;
        }
    }

    /** An archive of one folder holding the class folders (zip -r flowers.zip flowers/) is read from inside it. */
    private static Path topFolder(Path unpacked) throws IOException {
        try (Stream<Path> entries = Files.list(unpacked)) {
            List<Path> visible = entries.filter(entry -> !entry.getFileName().toString().startsWith(".")).toList();
            if (visible.size() == 1 && Files.isDirectory(visible.get(0))) {
                try (Stream<Path> inside = Files.list(visible.get(0))) {
                    if (inside.anyMatch(Files::isDirectory)) {
                        return visible.get(0);
                    }
                }
            }
        }
        return unpacked;
    }

    private DatasetInfo start(ImportRequest request, String source, ImageFolder folder, Path unpacked) {
        Path target = dir.resolve(request.name());
        try {
            Files.createDirectories(dir);
            Files.createDirectory(target);
        } catch (FileAlreadyExistsException e) { // another request took the name meanwhile
            throw nameTaken(request.name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + target + ": " + e.getMessage(), e);
        }
        DatasetInfo info = save(DatasetInfo.importing(request.name(), request.format(), source, Instant.now(),
                folder.files()));
        imports.submit(() -> runImport(info, folder, target, unpacked));
        return info;
    }

    private void requireNameFree(String name) {
        if (BUILT_IN.containsKey(name)) {
            throw new DatasetConflictException("'" + name + "' is the name of the built-in " + BUILT_IN.get(name).title()
                    + "; choose another name");
        }
        if (Files.exists(dir.resolve(name))) {
            throw nameTaken(name);
        }
    }

    private static void removeUnpacked(Path unpacked) {
        if (unpacked == null) {
            return;
        }
        try {
            Folders.deleteTree(unpacked);
        } catch (IOException e) {
            LOG.warnf("cannot remove the unpacked upload %s: %s", unpacked, e.getMessage());
        }
    }

    private static DatasetConflictException nameTaken(String name) {
        return new DatasetConflictException("a data set named '" + name + "' exists: DELETE it first or choose another"
                + " name");
    }

    public void delete(String name) {
        DatasetInfo info = get(name);
        if (BUILT_IN.containsKey(name)) {
            throw new DatasetConflictException(BUILT_IN.get(name).title() + " is built in: remove "
                    + datasets.defaultFolder(BUILT_IN.get(name)) + " by hand to delete it");
        }
        if (DatasetInfo.IMPORTING.equals(info.state())) {
            throw new DatasetConflictException("data set '" + name + "' is still importing; delete it when it is done");
        }
        Optional<Job> user = jobs.list().stream().filter(job -> !job.state().terminal()
                && name.equals(job.spec().dataset().name())).findFirst();
        if (user.isPresent()) {
            throw new DatasetConflictException("job " + user.get().id() + " (" + user.get().state().json()
                    + ") trains on data set '" + name + "'; cancel it first");
        }
        try {
            Folders.deleteTree(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete data set " + name + ": " + e.getMessage(), e);
        }
    }

    /** A data set a job can train on now; 409 while it imports or after its import failed. */
    public DatasetInfo requireReady(String name) {
        DatasetInfo info = get(name);
        if (!DatasetInfo.READY.equals(info.state())) {
            throw new DatasetConflictException("data set '" + name + "' is " + info.state()
                    + (info.error() == null ? "" : " (" + info.error() + ")") + "; a job needs a ready one");
        }
        return info;
    }

    /**
     * A job's images: its named data set, or the CIFAR-10 files of its path (the home folder's when
     * none, downloaded first when missing if {@code download}).
     */
    public ImageDataset images(JobSpec.DatasetSpec spec, boolean download) {
        if (spec.name() != null) {
            DatasetInfo info = requireReady(spec.name());
            return datasets.loadImported(dir.resolve(spec.name()), info.classNames());
        }
        CifarArchive archive = CifarArchive.of(spec.format());
        boolean coarse = "coarse".equals(spec.labels());
        return download ? datasets.load(archive, spec.path(), coarse) : datasets.loadPresent(archive, spec.path(), coarse);
    }

    /** The first {@code perClass} training images of every class of a ready data set. */
    public DatasetSamples samples(String name, int perClass) {
        if (perClass < 1 || perClass > 16) {
            throw new InvalidRequestException("perClass", "must be between 1 and 16, got " + perClass);
        }
        DatasetInfo info = requireReady(name);
        ImageStore train = datasets.loadImported(dir.resolve(name), info.classNames()).train();
        List<List<String>> images = new ArrayList<>();
        info.classes().forEach(c -> images.add(new ArrayList<>()));
        for (int i = 0; i < train.size(); i++) {
            List<String> ofClass = images.get(train.label(i));
            if (ofClass.size() < perClass) {
                ofClass.add(PngDataUrl.of(train.image(i)));
            }
        }
        List<DatasetSamples.ClassSamples> classes = new ArrayList<>();
        for (int label = 0; label < images.size(); label++) {
            classes.add(new DatasetSamples.ClassSamples(info.classNames().get(label), images.get(label)));
        }
        return new DatasetSamples(name, classes);
    }

    /** Imports, then removes what an upload unpacked (before the final state, so a client that sees it finds them gone). */
    private void runImport(DatasetInfo started, ImageFolder folder, Path target, Path unpacked) {
        long begin = System.nanoTime();
        long[] last = {begin, 0, begin}; // saved at (ns), files then, logged at (ns)
        DatasetInfo[] current = {started};
        try {
            DatasetInfo.ImportResult result = importer.run(folder, target, done -> {
                long now = System.nanoTime();
                if (now - last[0] >= PROGRESS_EVERY_NANOS || done - last[1] >= PROGRESS_EVERY_FILES) {
                    last[0] = now;
                    last[1] = done;
                    current[0] = save(current[0].progressed(done, Instant.now()));
                }
                if (now - last[2] >= PROGRESS_EVERY_NANOS) {
                    last[2] = now;
                    double rate = done / ((now - begin) / 1e9);
                    LOG.infof("data set %s: %d of %d files, %.0f images/s, ETA %.0f s", started.name(), done,
                            folder.files(), rate, (folder.files() - done) / rate);
                }
            });
            removeUnpacked(unpacked);
            save(current[0].ready(result, Instant.now()));
            LOG.infof("data set %s: ready, %d train and %d test images of %d classes, %d files skipped, %.1f s",
                    started.name(), result.images().train(), result.images().test(), result.classes().size(),
                    result.skipped().size(), (System.nanoTime() - begin) / 1e9);
        } catch (ImageFolderImport.ImportFailedException e) {
            removeUnpacked(unpacked);
            fail(current[0], target, e.getMessage(), e.skipped);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "data set %s: import failed", started.name());
            removeUnpacked(unpacked);
            fail(current[0], target, "the import failed: " + e.getMessage(), current[0].skipped());
        }
    }

    /** Keeps dataset.json with the reason; removes the records. */
    private void fail(DatasetInfo info, Path target, String message, List<DatasetInfo.Skipped> skipped) {
        try {
            Files.deleteIfExists(target.resolve(Datasets.IMPORTED_TRAIN));
            Files.deleteIfExists(target.resolve(Datasets.IMPORTED_TEST));
        } catch (IOException e) {
            LOG.warnf("data set %s: cannot remove its records: %s", info.name(), e.getMessage());
        }
        save(info.failed(message, skipped, Instant.now()));
        LOG.warnf("data set %s: import failed: %s", info.name(), message);
    }

    private DatasetInfo save(DatasetInfo info) {
        try {
            AtomicFile.write(dir.resolve(info.name()).resolve(INFO), mapper.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(info));
            return info;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + INFO + " of data set " + info.name() + ": " + e.getMessage(), e);
        }
    }

    private Optional<DatasetInfo> read(Path folder) {
        Path file = folder.resolve(INFO);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), DatasetInfo.class));
        } catch (IOException e) {
            LOG.warnf("cannot read %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }
}
