package dev.resnetservice;

import org.jboss.logging.Logger;

/**
 * The service's single long-lived threads (the training worker, the prediction batcher): daemon
 * threads with the application's class loader, since the engine finds its providers through it,
 * that run one step after another until interrupted. A step that throws, even an Error such as
 * OutOfMemoryError, is logged and the next one runs: the thread itself never dies of it.
 */
public final class WorkerThread {

    private static final Logger LOG = Logger.getLogger(WorkerThread.class);

    /** One unit of work; it blocks while there is nothing to do. */
    @FunctionalInterface
    public interface Step {
        void run() throws InterruptedException;
    }

    private WorkerThread() {
    }

    public static Thread start(String name, Step step) {
        Thread thread = new Thread(() -> loop(name, step), name);
        thread.setContextClassLoader(WorkerThread.class.getClassLoader());
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void loop(String name, Step step) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                step.run();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                LOG.errorf(e, "%s: a step failed; the thread goes on", name);
            }
        }
    }
}
