package dev.resnetservice.web;

import dev.resnetservice.ResnetConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** A process in role worker trains and serves only /q/health and /q/metrics (not JAX-RS): the API is 404 here. */
public class WorkerRoleFilter {

    private final boolean worker;

    public WorkerRoleFilter(ResnetConfig config) {
        this.worker = "worker".equals(config.role());
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> apiOnlyOnApiReplicas(ContainerRequestContext request) {
        if (!worker) {
            return Optional.empty();
        }
        return Optional.of(ProblemMapper.problem(404, "Not Found", "this process is a training worker"
                + " (resnet.role=worker): it serves only /q/health and /q/metrics; send API calls to an api replica", null));
    }
}
