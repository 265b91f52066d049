package dev.resnetservice.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.resnetservice.data.Normalization;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetentionTest {

    /** Epochs 1..5 with these test accuracies. */
    private static final double[] ACCURACY = {0.30, 0.60, 0.55, 0.40, 0.50};

    private static List<Checkpoint> checkpoints() {
        return IntStream.rangeClosed(1, ACCURACY.length).mapToObj(epoch -> {
            var metrics = JsonNodeFactory.instance.objectNode().put("testAccuracy", ACCURACY[epoch - 1]);
            CheckpointManifest manifest = new CheckpointManifest(epoch, "resnet18", 11_181_642, List.of("a", "b"),
                    Normalization.cifar10(), "0".repeat(64), String.format("epoch-%04d.params", epoch), 1, Instant.EPOCH, metrics, false, null);
            return new Checkpoint(epoch, Path.of("epoch-" + epoch + ".params"), Path.of("epoch-" + epoch + ".json"), manifest);
        }).toList();
    }

    private static List<Integer> removed(String policy) {
        return Retention.parse(policy).toRemove(checkpoints()).stream().map(Checkpoint::epoch).sorted().toList();
    }

    @Test
    void allKeepsEverything() {
        assertEquals(List.of(), removed("all"));
        assertEquals(Retention.ALL, Retention.parse(null));
    }

    @Test
    void lastKeepsTheNewest() {
        assertEquals(List.of(1, 2, 3), removed("last:2"));
        assertEquals(List.of(1, 2, 3, 4), removed("last:1"));
        assertEquals(List.of(), removed("last:9"));
    }

    @Test
    void bestKeepsTheMostAccurateAndAlwaysTheNewest() {
        assertEquals(List.of(1, 3, 4), removed("best:1"), "epoch 2 is best, epoch 5 is the newest");
        assertEquals(List.of(1, 4), removed("best:2"));
    }

    @Test
    void badPoliciesAreNamed() {
        for (String bad : new String[] {"last", "last:0", "best:-1", "first:2", "ALL", "last:x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Retention.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
