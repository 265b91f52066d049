package dev.resnetservice.inference.oip;

import dev.resnetservice.ResnetConfig;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * gRPC's side of WorkerRoleFilter: the gRPC server starts in every role (Quarkus starts it when a
 * service exists), but a process in role worker trains and serves no inference, so it refuses every
 * call, naming the role, instead of loading models on the GPU that trains.
 */
@ApplicationScoped
@GlobalInterceptor
public class WorkerRoleInterceptor implements ServerInterceptor {

    private final boolean worker;

    public WorkerRoleInterceptor(ResnetConfig config) {
        this.worker = "worker".equals(config.role());
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        if (!worker) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNIMPLEMENTED.withDescription("this process is a training worker (resnet.role=worker):"
                + " send inference to an api replica"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
