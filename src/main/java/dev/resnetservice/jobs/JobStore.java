package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import dev.resnetservice.storage.AtomicFile;
import dev.resnetservice.storage.Folders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** Jobs on disk: {@code <home>/jobs/<id>/job.json}, rewritten atomically on every change. */
@ApplicationScoped
public class JobStore {

    private static final Logger LOG = Logger.getLogger(JobStore.class);

    private final Path home;
    private final Path jobsDir;
    private final ObjectMapper mapper;
    private final long minFreeBytes;

    @Inject
    public JobStore(ResnetConfig config, ObjectMapper mapper) {
        this(config.home(), config.minFreeDisk().asLongValue(), mapper);
    }

    JobStore(Path home, long minFreeBytes, ObjectMapper mapper) {
        this.minFreeBytes = minFreeBytes;
        this.home = home.toAbsolutePath().normalize();
        this.jobsDir = this.home.resolve("jobs");
        this.mapper = mapper;
    }

    public Path home() {
        return home;
    }

    /** The folder of a job; only well-formed ids become paths. */
    public Path jobDir(String id) {
        if (!JobIds.valid(id)) {
            throw new JobNotFoundException(id);
        }
        return jobsDir.resolve(id);
    }

    public Path checkpointsDir(String id) {
        return jobDir(id).resolve("checkpoints");
    }

    public void save(Job job) {
        try {
            AtomicFile.write(jobDir(job.id()).resolve("job.json"),
                    mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(job));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write job.json of job " + job.id(), e);
        }
    }

    /**
     * @param what what would be written ("the checkpoint of epoch 3"), for the message
     * @throws InsufficientStorageException when the home folder's disk has less than resnet.min-free-disk free
     */
    public void requireFreeSpace(String what) {
        long usable;
        try {
            Files.createDirectories(home);
            usable = Files.getFileStore(home).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of the home folder: " + e.getMessage(), e);
        }
        if (usable < minFreeBytes) {
            throw new InsufficientStorageException(what, usable, minFreeBytes);
        }
    }

    /** Removes a job's folder: files first, the folder last, so a crash half-way leaves no job.json behind a gap. */
    public void delete(String id) {
        Path dir = jobDir(id);
        try {
            Files.deleteIfExists(dir.resolve("job.json"));
            Folders.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the files of job " + id + ": " + e.getMessage(), e);
        }
    }

    /** Every readable job; a folder without a readable job.json is logged and skipped. */
    public List<Job> loadAll() {
        List<Job> jobs = new ArrayList<>();
        if (!Files.isDirectory(jobsDir)) {
            return jobs;
        }
        try (Stream<Path> dirs = Files.list(jobsDir)) {
            for (Path dir : dirs.sorted().toList()) {
                Path file = dir.resolve("job.json");
                if (!JobIds.valid(dir.getFileName().toString()) || !Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    jobs.add(mapper.readValue(file.toFile(), Job.class));
                } catch (IOException | RuntimeException e) {
                    LOG.warnf("skipping %s: %s", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jobsDir, e);
        }
        return jobs;
    }
}
