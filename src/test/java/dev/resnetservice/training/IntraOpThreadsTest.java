package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IntraOpThreadsTest {

    @Test
    void changesOnlyTheCallingThreadsCount() throws Exception {
        Engine.getEngine("PyTorch");
        int before = onNewThread(JniUtils::getNumThreads);
        int wanted = before + 1;
        int set = onNewThread(() -> IntraOpThreads.setForCurrentThread(wanted) ? JniUtils.getNumThreads() : -1);
        assertEquals(wanted, set, "the calling thread's count");
        assertEquals(before, onNewThread(JniUtils::getNumThreads), "a thread started afterwards keeps the default");
        assertTrue(before >= 1);
    }

    private static int onNewThread(Supplier<Integer> call) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            return CompletableFuture.supplyAsync(call, thread).get();
        } finally {
            thread.shutdown();
        }
    }
}
