package dev.resnetservice.testdata;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Runs the app under test in cluster mode's store: resnet.store=postgres on a database of its own. */
public class PostgresStore implements QuarkusTestResourceLifecycleManager {

    private PostgresTestDatabase database;

    @Override
    public Map<String, String> start() {
        database = PostgresTestDatabase.create();
        return Map.of("resnet.store", "postgres", "quarkus.datasource.jdbc.url", database.url(),
                "quarkus.datasource.username", database.user(), "quarkus.datasource.password", database.password());
    }

    @Override
    public void stop() {
        if (database != null) {
            database.close();
        }
    }
}
