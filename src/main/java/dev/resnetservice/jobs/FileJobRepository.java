package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.storage.AtomicFile;
import dev.resnetservice.workers.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

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
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final Map<String, JobState> stopRequests = new ConcurrentHashMap<>();
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    FileJobRepository(JobStore files, ObjectMapper mapper) {
        this.files = files;
        this.mapper = mapper;
        this.defaultFile = files.home().resolve("models").resolve("default");
        files.loadAll().forEach(job -> jobs.put(job.id(), job));
    }

    @Override
    public synchronized void save(Job job) {
        files.save(job);
        jobs.put(job.id(), job);
        if (job.state() != JobState.RUNNING && !(job.state() == JobState.QUEUED && claimed.contains(job.id()))) {
            claimed.remove(job.id()); // ended, interrupted, or back in the queue
        }
        if (job.state() == JobState.QUEUED && !claimed.contains(job.id())) {
            stopRequests.remove(job.id());
        }
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
        JobEvent event = log(jobId).append(name, data);
        listeners.forEach(listener -> listener.accept(jobId));
        return event;
    }

    @Override
    public void listen(Consumer<String> appended) {
        listeners.add(appended);
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

    // One process owns the home folder (HomeLock): claims live in memory, and a lease never lapses
    // while the process lives; after a crash, start-up marks the running job interrupted.

    @Override
    public synchronized Optional<Claim> claim(String workerId, Duration lease) {
        return list().stream()
                .filter(job -> job.state() == JobState.QUEUED && !claimed.contains(job.id()))
                .findFirst()
                .map(job -> {
                    claimed.add(job.id());
                    return new Claim(job, 1);
                });
    }

    @Override
    public boolean renew(String jobId, String workerId, Duration lease) {
        return claimed.contains(jobId);
    }

    @Override
    public void release(String jobId, String workerId) {
        claimed.remove(jobId);
    }

    @Override
    public List<Lapsed> requeueLapsed() {
        return List.of();
    }

    @Override
    public synchronized int countQueued() {
        return (int) jobs.values().stream()
                .filter(job -> job.state() == JobState.QUEUED && !claimed.contains(job.id())).count();
    }

    @Override
    public synchronized boolean cancelIfQueued(String id) {
        Job job = jobs.get(id);
        return job != null && job.state() == JobState.QUEUED && !claimed.contains(id);
    }

    @Override
    public void requestStop(String id, JobState state) {
        stopRequests.put(id, state);
    }

    @Override
    public Optional<JobState> stopRequest(String id) {
        return Optional.ofNullable(stopRequests.get(id));
    }

    @Override
    public void saveWorker(Worker worker) {
        workers.put(worker.id(), worker);
    }

    @Override
    public List<Worker> workers() {
        return List.copyOf(workers.values());
    }

    private JobEventLog log(String jobId) {
        return logs.computeIfAbsent(jobId, id -> new JobEventLog(files.jobDir(id).resolve(EVENTS), mapper));
    }
}
