package dev.resnetservice.jobs;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileJobRepositoryTest extends JobRepositoryContract {

    @TempDir
    Path home;

    @Override
    protected JobRepository repository() {
        return new FileJobRepository(new JobStore(home, 0, mapper), mapper);
    }
}
