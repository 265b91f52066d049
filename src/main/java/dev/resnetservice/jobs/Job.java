package dev.resnetservice.jobs;

import dev.resnetservice.training.EpochMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A training job as GET /jobs/&lt;id&gt; shows it and job.json stores it. Immutable: every
 * change makes a new value, which is then saved and published whole.
 */
public record Job(
        String id,
        JobState state,
        JobSpec spec,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int epoch,
        int epochs,
        String device,
        List<EpochMetrics> history,
        List<CheckpointRef> checkpoints,
        String error) {

    public Job {
        history = List.copyOf(history == null ? List.of() : history);
        checkpoints = List.copyOf(checkpoints == null ? List.of() : checkpoints);
    }

    public static Job queued(String id, JobSpec spec, Instant now) {
        return new Job(id, JobState.QUEUED, spec, now, null, null, 0, spec.epochs(), null,
                List.of(), List.of(), null);
    }

    /** Back in the queue to continue from its newest checkpoint; history and checkpoints are kept. */
    public Job requeued() {
        return new Job(id, JobState.QUEUED, spec, createdAt, startedAt, null, epoch, epochs, device,
                history, checkpoints, null);
    }

    /** The job as of the end of {@code resumeEpoch}, with the history and checkpoints of the epochs up to it. */
    public Job resumedAt(int resumeEpoch, List<EpochMetrics> keptHistory, List<CheckpointRef> keptCheckpoints) {
        return new Job(id, state, spec, createdAt, startedAt, finishedAt, resumeEpoch, epochs, device,
                keptHistory, keptCheckpoints, error);
    }

    public Job running(String device, Instant now) {
        return new Job(id, JobState.RUNNING, spec, createdAt, startedAt == null ? now : startedAt, null, epoch, epochs, device,
                history, checkpoints, null);
    }

    public Job epochDone(EpochMetrics metrics, CheckpointRef checkpoint) {
        List<EpochMetrics> newHistory = new ArrayList<>(history);
        newHistory.add(metrics);
        List<CheckpointRef> newCheckpoints = new ArrayList<>(checkpoints);
        newCheckpoints.add(checkpoint);
        return new Job(id, state, spec, createdAt, startedAt, finishedAt, metrics.epoch(), epochs, device,
                newHistory, newCheckpoints, error);
    }

    /** The job without the checkpoints of {@code epochs} (removed by its retention policy); history stays whole. */
    public Job withoutCheckpoints(Set<Integer> epochs) {
        if (epochs.isEmpty()) {
            return this;
        }
        return new Job(id, state, spec, createdAt, startedAt, finishedAt, epoch, epochs(), device, history,
                checkpoints.stream().filter(ref -> !epochs.contains(ref.epoch())).toList(), error);
    }

    public Job finished(JobState finalState, String errorMessage, Instant now) {
        return new Job(id, finalState, spec, createdAt, startedAt, now, epoch, epochs, device,
                history, checkpoints, errorMessage);
    }
}
