package dev.resnetservice.testdata;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where the test PostgreSQL server answers, decided before the app under test
 * starts; without it the class is skipped with a loud message, or fails where
 * {@code RESNET_TEST_REQUIRE_POSTGRES=true} (.ci/run).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresPostgres.Condition.class)
public @interface RequiresPostgres {

    class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String server = System.getenv().getOrDefault("RESNET_TEST_POSTGRES", "127.0.0.1:5432");
            try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://" + server + "/postgres",
                    "postgres", "postgres")) {
                return ConditionEvaluationResult.enabled("PostgreSQL answers at " + server);
            } catch (SQLException e) {
                String message = "PostgreSQL is not reachable at " + server + " (" + e.getMessage() + ")";
                if (Boolean.parseBoolean(System.getenv("RESNET_TEST_REQUIRE_POSTGRES"))) {
                    throw new IllegalStateException(message + " and RESNET_TEST_REQUIRE_POSTGRES=true", e);
                }
                System.err.println("SKIPPED " + context.getDisplayName() + ": " + message);
                return ConditionEvaluationResult.disabled(message);
            }
        }
    }
}
