package dev.resnetservice.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.datasets.ImportRequest;
import dev.resnetservice.jobs.Job;
import dev.resnetservice.jobs.JobFilesInUse;
import dev.resnetservice.jobs.JobIds;
import dev.resnetservice.jobs.JobNotFoundException;
import dev.resnetservice.jobs.JobRepository;
import dev.resnetservice.jobs.JobService;
import dev.resnetservice.jobs.JobState;
import dev.resnetservice.jobs.JobStore;
import dev.resnetservice.jobs.ModelSource;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.web.InvalidRequestException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Every checkpoint of every job is a model: {@code <job-id>@<epoch>}, and {@code <job-id>} for
 * the job's newest. Models imported with POST /models live in {@code <home>/models/<name>/checkpoints}
 * as epoch 0 ({@code <name>@0}, or {@code <name>}); their names never take a job id's form. The
 * default is the one chosen with PUT /models/default (kept in {@code <home>/models/default}), else
 * the newest succeeded job.
 */
@ApplicationScoped
public class ModelCatalog implements JobFilesInUse, ModelSource {

    private final JobService jobs;
    private final JobStore store;
    private final CheckpointStore checkpoints;
    private final JobRepository repository;
    private final Path importedDir;
    private final Map<Path, Listing> listings = new ConcurrentHashMap<>();

    public ModelCatalog(JobService jobs, JobStore store, JobRepository repository, ObjectMapper mapper) {
        this.jobs = jobs;
        this.store = store;
        this.checkpoints = new CheckpointStore(mapper);
        this.repository = repository;
        this.importedDir = store.home().resolve("models");
    }

    public List<ModelInfo> list() {
        Optional<Checkpoint> served = defaultCheckpoint();
        List<ModelInfo> models = new ArrayList<>();
        for (Job job : jobs.list()) {
            List<Checkpoint> found = checkpointsOf(job.id());
            for (Checkpoint checkpoint : found) {
                boolean latest = checkpoint == found.get(found.size() - 1);
                boolean isDefault = served.map(c -> c.params().equals(checkpoint.params())).orElse(false);
                models.add(info(checkpoint, latest, isDefault));
            }
        }
        for (String name : importedNames()) {
            for (Checkpoint checkpoint : checkpointsIn(importedCheckpoints(name))) {
                boolean isDefault = served.map(c -> c.params().equals(checkpoint.params())).orElse(false);
                models.add(info(checkpoint, true, isDefault));
            }
        }
        return models;
    }

    /** Where an imported model's checkpoint lives; the name must have passed {@link #validImportName}. */
    public Path importedCheckpoints(String name) {
        return importedDir.resolve(name).resolve("checkpoints");
    }

    /** The folder imports are assembled in before they are renamed into place. */
    public Path importedDir() {
        return importedDir;
    }

    /** A name an import may take: a data set name's form that is neither {@code default} nor a job id. */
    public static boolean validImportName(String name) {
        return ImportRequest.validName(name) && !"default".equals(name) && !JobIds.valid(name);
    }

    private List<String> importedNames() {
        if (!Files.isDirectory(importedDir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(importedDir)) {
            return entries.map(path -> path.getFileName().toString()).filter(ModelCatalog::validImportName)
                    .filter(name -> Files.isDirectory(importedCheckpoints(name))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the imported models in " + importedDir, e);
        }
    }

    /** A model by name; {@code default} is the one /predict serves. */
    public ModelInfo get(String name) {
        if ("default".equals(name)) {
            return get(defaultName().orElseThrow(NoModelException::new));
        }
        String[] parts = split(name);
        Checkpoint checkpoint = resolve(name);
        List<Checkpoint> all = checkpointsOf(parts[0]);
        boolean latest = checkpoint.epoch() == all.get(all.size() - 1).epoch();
        boolean isDefault = defaultCheckpoint().map(c -> c.params().equals(checkpoint.params())).orElse(false);
        return info(checkpoint, latest, isDefault);
    }

    /** The checkpoint a name means; null, blank or {@code default} means the default. */
    public Checkpoint resolve(String name) {
        if (name == null || name.isBlank() || "default".equals(name)) {
            return defaultCheckpoint().orElseThrow(NoModelException::new);
        }
        String[] parts = split(name);
        List<Checkpoint> found;
        try {
            found = checkpointsOf(parts[0]);
        } catch (JobNotFoundException e) {
            throw new ModelNotFoundException(name);
        }
        if (found.isEmpty()) {
            throw new ModelNotFoundException(name);
        }
        if (parts[1] == null) {
            return found.get(found.size() - 1);
        }
        return found.stream().filter(c -> Integer.toString(c.epoch()).equals(parts[1]))
                .findFirst().orElseThrow(() -> new ModelNotFoundException(name));
    }

    /** The full name of a checkpoint: {@code <job-id>@<epoch>}. */
    public String nameOf(Checkpoint checkpoint) {
        return ownerOf(checkpoint) + "@" + checkpoint.epoch();
    }

    /** The job id, or the imported model's name, a checkpoint belongs to. */
    public String ownerOf(Checkpoint checkpoint) {
        return checkpoint.params().getParent().getParent().getFileName().toString();
    }

    /** Every valid checkpoint of the job (or import) that {@code checkpoint} belongs to, oldest first. */
    public List<Checkpoint> epochsBeside(Checkpoint checkpoint) {
        return checkpointsIn(checkpoint.params().getParent());
    }

    /** Makes {@code name} what /predict serves when no model is named; kept across restarts. */
    public ModelInfo setDefault(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("model", "name the model to serve, e.g. {\"model\": \"<job-id>\"}");
        }
        resolve(name);
        repository.setDefaultModel(name);
        return get(name);
    }

    /** The job of a model chosen with PUT /models/default stays until another is chosen. */
    @Override
    public Optional<String> reasonToKeep(String jobId) {
        return repository.defaultModel()
                .filter(chosen -> chosen.equals(jobId) || chosen.startsWith(jobId + "@"))
                .map(chosen -> "job " + jobId + " holds the default model " + chosen + " (PUT /models/default);"
                        + " choose another model before purging it");
    }

    /** The served model's full name ({@code <job-id>@<epoch>}), if there is one. */
    public Optional<String> defaultName() {
        return defaultCheckpoint().map(this::nameOf);
    }

    /** The checkpoint chosen with PUT /models/default, else the newest succeeded job's newest. */
    private Optional<Checkpoint> defaultCheckpoint() {
        Optional<String> chosen = repository.defaultModel();
        if (chosen.isPresent()) {
            try {
                return Optional.of(resolve(chosen.get()));
            } catch (ModelNotFoundException e) {
                // The chosen model is gone (its job's files removed): fall back to the newest.
            }
        }
        // Newest first; a job whose checkpoint files were removed is passed over, never an outage.
        List<Job> succeeded = jobs.list().stream()
                .filter(job -> job.state() == JobState.SUCCEEDED && !job.checkpoints().isEmpty())
                .sorted(Comparator.comparing(Job::finishedAt).reversed())
                .toList();
        for (Job job : succeeded) {
            try {
                return Optional.of(resolve(job.id()));
            } catch (ModelNotFoundException e) {
                // next one
            }
        }
        return Optional.empty();
    }

    /** A job's checkpoints, or an imported model's; none for a name that is neither. */
    private List<Checkpoint> checkpointsOf(String jobOrImport) {
        if (JobIds.valid(jobOrImport)) {
            return checkpointsIn(store.checkpointsDir(jobs.get(jobOrImport).id()));
        }
        return validImportName(jobOrImport) ? checkpointsIn(importedCheckpoints(jobOrImport)) : List.of();
    }

    /**
     * The checkpoints in a folder, read again only when it changed: /predict resolves its model
     * on every request, and parsing every manifest each time would cost more than the forward.
     */
    private List<Checkpoint> checkpointsIn(Path dir) {
        try {
            FileTime modified = Files.isDirectory(dir) ? Files.getLastModifiedTime(dir) : FileTime.fromMillis(0);
            Listing cached = listings.get(dir);
            if (cached != null && cached.modified().equals(modified)) {
                return cached.checkpoints();
            }
            List<Checkpoint> found = checkpoints.list(dir);
            listings.put(dir, new Listing(modified, found));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + dir, e);
        }
    }

    private record Listing(FileTime modified, List<Checkpoint> checkpoints) {
    }

    /** [job id, epoch or null]; anything that is not a job id and epoch is an unknown model. */
    private static String[] split(String name) {
        int at = name.indexOf('@');
        String job = at < 0 ? name : name.substring(0, at);
        String epoch = at < 0 ? null : name.substring(at + 1);
        if (epoch != null && !epoch.matches("\\d{1,6}")) {
            throw new ModelNotFoundException(name);
        }
        return new String[] {job, epoch};
    }

    /** {@code job} is null for an imported model. */
    private ModelInfo info(Checkpoint checkpoint, boolean latest, boolean isDefault) {
        String name = nameOf(checkpoint);
        String owner = name.substring(0, name.indexOf('@'));
        String jobId = JobIds.valid(owner) ? owner : null;
        var manifest = checkpoint.manifest();
        JsonNode accuracy = manifest.metrics().get("testAccuracy");
        return new ModelInfo(name, jobId, checkpoint.epoch(),
                manifest.architecture(), manifest.parameterCount(), manifest.classes(),
                accuracy == null ? null : accuracy.asDouble(), manifest.createdAt(), latest, isDefault);
    }
}
