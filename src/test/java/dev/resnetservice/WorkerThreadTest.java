package dev.resnetservice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerThreadTest {

    @Test
    void anOutOfMemoryErrorInOneStepDoesNotStopTheNext() throws Exception {
        BlockingQueue<String> work = new LinkedBlockingQueue<>(List.of("oom", "stack", "fine"));
        List<String> done = new CopyOnWriteArrayList<>();
        Thread thread = WorkerThread.start("test-worker", () -> {
            String item = work.take();
            switch (item) {
                case "oom" -> throw new OutOfMemoryError("Java heap space");
                case "stack" -> throw new StackOverflowError();
                default -> done.add(item);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (done.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("fine"), done);
        assertTrue(thread.isAlive() && thread.isDaemon());
        assertEquals(WorkerThread.class.getClassLoader(), thread.getContextClassLoader());
        thread.interrupt();
        thread.join(5000);
        assertFalse(thread.isAlive(), "an interrupt ends it");
    }
}
