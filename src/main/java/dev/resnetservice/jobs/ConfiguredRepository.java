package dev.resnetservice.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.resnetservice.ResnetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.ConfigProvider;

/** The repository {@code resnet.store} names: {@code file} (embedded, the default) or {@code postgres} (cluster). */
@ApplicationScoped
public class ConfiguredRepository {

    @Produces
    @ApplicationScoped
    JobRepository repository(ResnetConfig config, JobStore files, ObjectMapper mapper, Instance<DataSource> dataSource) {
        return switch (config.store()) {
            case "file" -> new FileJobRepository(files, mapper);
            case "postgres" -> {
                if (ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty()) {
                    throw new IllegalStateException("resnet.store=postgres needs the database's JDBC URL in"
                            + " quarkus.datasource.jdbc.url (QUARKUS_DATASOURCE_JDBC_URL), e.g."
                            + " jdbc:postgresql://db:5432/resnet");
                }
                yield new PostgresJobRepository(dataSource.get(), mapper);
            }
            default -> throw new IllegalArgumentException("resnet.store is '" + config.store() + "', expected file or postgres");
        };
    }
}
