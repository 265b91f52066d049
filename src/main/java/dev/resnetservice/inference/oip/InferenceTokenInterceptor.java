package dev.resnetservice.inference.oip;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc;
import dev.resnetservice.web.BearerTokens;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * gRPC's side of the inference token rule (ApiTokenFilter is HTTP's): with resnet.predict-token set,
 * ModelInfer needs metadata {@code authorization: Bearer <token>}, the predict-token or the
 * api-token; the other calls (health, metadata) stay open for probes.
 */
@ApplicationScoped
@GlobalInterceptor
public class InferenceTokenInterceptor implements ServerInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String INFER = GRPCInferenceServiceGrpc.getModelInferMethod().getFullMethodName();

    private final BearerTokens tokens;

    public InferenceTokenInterceptor(ResnetConfig config) {
        this.tokens = BearerTokens.inference(config);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
        String authorization = headers.get(AUTHORIZATION);
        if (!tokens.required() || !INFER.equals(call.getMethodDescriptor().getFullMethodName())
                || tokens.accepts(authorization)) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(authorization == null
                ? "ModelInfer needs metadata 'authorization: Bearer <token>' (resnet.predict-token is set)"
                : "the bearer token is wrong"), new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
