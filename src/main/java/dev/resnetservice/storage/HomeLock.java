package dev.resnetservice.storage;

import dev.resnetservice.ResnetConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jboss.logging.Logger;

/**
 * One embedded service per home folder: a second one would run the queued jobs again and mark the
 * running one interrupted. The lock is the OS's ({@code <home>/.lock}, held while the process lives, gone
 * with it even after kill -9); the file names the holder's pid for the error.
 */
@ApplicationScoped
public class HomeLock {

    private static final Logger LOG = Logger.getLogger(HomeLock.class);

    private final Path file;
    private final boolean embedded;
    private FileChannel channel;

    public HomeLock(ResnetConfig config) {
        this.file = config.home().toAbsolutePath().normalize().resolve(".lock");
        this.embedded = config.embedded();
    }

    /** First of all start-up work: nothing is read or loaded on a home another process owns. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION - 100) StartupEvent event) throws IOException {
        if (!embedded) {
            return; // cluster mode: processes share the home folder, PostgreSQL keeps them apart
        }
        Files.createDirectories(file.getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IllegalStateException("resnet.home " + file.getParent() + " is in use by another resnet-service"
                    + (holder.isEmpty() ? "" : " (process " + holder + ")") + ": two services on one home would run each"
                    + " other's jobs. Stop that one, or give this one its own RESNET_HOME");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        LOG.debugf("holding %s", file);
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            if (channel != null) {
                channel.close(); // releases the lock
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
