package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.storage.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded mode's repository: {@code jobs/<id>/job.json}, {@code jobs/<id>/events.jsonl} and
 * {@code models/default} under resnet.home, with the jobs and logs also in memory (one process owns
 * the home folder: HomeLock).
 */
final class FileJobRepository implements JobRepository {

    private static final String EVENTS = "events.jsonl";

    private final JobStore files;
    private final ObjectMapper mapper;
    private final Path defaultFile;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, JobEventLog> logs = new ConcurrentHashMap<>();

    FileJobRepository(JobStore files, ObjectMapper mapper) {
        this.files = files;
        this.mapper = mapper;
        this.defaultFile = files.home().resolve("models").resolve("default");
        files.loadAll().forEach(job -> jobs.put(job.id(), job));
    }

    @Override
    public void save(Job job) {
        files.save(job);
        jobs.put(job.id(), job);
    }

    @Override
    public Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public List<Job> list() {
        return jobs.values().stream().sorted(Comparator.comparing(Job::createdAt)).toList();
    }

    @Override
    public void delete(String id) {
        try {
            Files.deleteIfExists(files.jobDir(id).resolve("job.json"));
            Files.deleteIfExists(files.jobDir(id).resolve(EVENTS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove job " + id + ": " + e.getMessage(), e);
        }
        jobs.remove(id);
        logs.remove(id);
    }

    @Override
    public JobEvent append(String jobId, String name, JsonNode data) {
        return log(jobId).append(name, data);
    }

    @Override
    public StreamEvent next(String jobId, long afterId) {
        return log(jobId).next(afterId);
    }

    @Override
    public List<JobEvent> events(String jobId) {
        return log(jobId).events();
    }

    @Override
    public Optional<String> defaultModel() {
        try {
            return Files.isRegularFile(defaultFile)
                    ? Optional.of(Files.readString(defaultFile, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the default model's name", e);
        }
    }

    @Override
    public void setDefaultModel(String name) {
        try {
            AtomicFile.write(defaultFile, name.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the default model's name", e);
        }
    }

    private JobEventLog log(String jobId) {
        return logs.computeIfAbsent(jobId, id -> new JobEventLog(files.jobDir(id).resolve(EVENTS), mapper));
    }
}
