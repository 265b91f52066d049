package dev.resnetservice.jobs;

import dev.resnetservice.testdata.PostgresTestDatabase;
import org.junit.jupiter.api.AfterEach;

/** The contract on a real PostgreSQL server, in a database of this test's own. */
class PostgresJobRepositoryTest extends JobRepositoryContract {

    private PostgresTestDatabase database;

    @Override
    protected JobRepository repository() {
        database = PostgresTestDatabase.create();
        return new PostgresJobRepository(database.dataSource(), mapper);
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }
}
