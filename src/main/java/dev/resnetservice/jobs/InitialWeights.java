package dev.resnetservice.jobs;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.model.Architecture;
import dev.resnetservice.model.Checkpoint;
import dev.resnetservice.model.CheckpointStore;
import dev.resnetservice.model.CorruptCheckpointException;
import dev.resnetservice.model.ResNet18;
import dev.resnetservice.web.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Fine-tuning's start ({@code init}): the model is resolved when the job is queued, so the spec
 * names the exact checkpoint and its sha256 (a later PUT /models/default or a newer epoch does not
 * change what the job starts from), and loaded when it starts.
 */
@ApplicationScoped
public class InitialWeights {

    private static final Logger LOG = Logger.getLogger(InitialWeights.class);

    private final Instance<ModelSource> models;
    private final CheckpointStore checkpoints;

    public InitialWeights(Instance<ModelSource> models, ObjectMapper mapper) {
        this.models = models;
        this.checkpoints = new CheckpointStore(mapper);
    }

    /** The spec with {@code init.model} as its full name and the checkpoint's sha256; 400 naming the field otherwise. */
    JobSpec resolve(JobSpec spec) {
        JobSpec.InitSpec init = spec.init();
        if (init == null) {
            return spec;
        }
        Checkpoint source = source(init.model());
        String architecture = source.manifest().architecture();
        if (!architecture.equals(spec.model())) {
            throw new InvalidSpecException("init.model", init.model() + " is a " + architecture + " and the job's model"
                    + " a " + spec.model() + ": set \"model\": \"" + architecture + "\" to fine-tune it");
        }
        if (init.sha256() != null && !init.sha256().equals(source.manifest().sha256())) {
            throw new InvalidSpecException("init.sha256", "'" + init.sha256() + "' is not the sha256 of "
                    + models.get().nameOf(source) + " (" + source.manifest().sha256() + ")");
        }
        return spec.startingFrom(new JobSpec.InitSpec(models.get().nameOf(source), init.freeze(),
                source.manifest().sha256()));
    }

    /**
     * Loads the job's starting weights into {@code model}'s block (built, not initialized) and says
     * what it did; {@code fc} stays to be drawn when the class counts differ.
     */
    String load(JobSpec.InitSpec init, Model model, int classes) {
        Checkpoint source = source(init.model());
        try {
            return load(init, source, model, classes);
        } catch (IOException | MalformedModelException e) {
            throw new CorruptCheckpointException(source.params(), e.getMessage());
        }
    }

    private String load(JobSpec.InitSpec init, Checkpoint source, Model model, int classes)
            throws IOException, MalformedModelException {
        if (!source.manifest().sha256().equals(init.sha256())) {
            throw new CorruptCheckpointException(source.params(), "its sha256 is no longer the " + init.sha256()
                    + " the job was queued with");
        }
        int sourceClasses = source.manifest().classes().size();
        if (sourceClasses == classes) {
            checkpoints.load(source, model.getBlock(), model.getNDManager());
            return "starting from " + init.model();
        }
        Block donor = ResNet18.build(Architecture.fromId(source.manifest().architecture()), sourceClasses);
        checkpoints.load(source, donor, model.getNDManager());
        List<Parameter> from = donor.getParameters().values();
        List<Parameter> to = model.getBlock().getParameters().values();
        // Both blocks list their parameters in the same order and fc's weight and bias come last.
        for (int i = 0; i < to.size() - 2; i++) {
            to.get(i).setArray(from.get(i).getArray());
        }
        from.get(from.size() - 2).close();
        from.get(from.size() - 1).close();
        LOG.infof("%s has %d classes, the data %d: fc starts afresh", init.model(), sourceClasses, classes);
        return "starting from " + init.model() + " with a new fc (" + sourceClasses + " classes there, " + classes
                + " here)";
    }

    private Checkpoint source(String name) {
        try {
            return models.get().resolve(name);
        } catch (ProblemException e) {
            throw new InvalidSpecException("init.model", e.getMessage());
        }
    }
}
