package dev.resnetservice.inference.oip;

import static dev.resnetservice.inference.oip.OipGrpcTest.assertStatus;
import static dev.resnetservice.inference.oip.OipGrpcTest.pixelsRaw;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelReadyRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerLiveRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerMetadataRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ServerReadyRequest;
import dev.resnetservice.testdata.TestHome;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With resnet.predict-token set, gRPC's ModelInfer takes it (or the api-token) as metadata; the probes stay open. */
@QuarkusTest
@QuarkusTestResource(TestHome.class)
@TestProfile(OipGrpcTokenTest.WithBothTokens.class)
class OipGrpcTokenTest {

    // Quarkus' client of the app's own gRPC server, on the free port it took (%test.quarkus.grpc.clients.oip)
    @GrpcClient("oip")
    GRPCInferenceServiceBlockingStub grpc;

    public static class WithBothTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("resnet.api-token", "admin-token", "resnet.predict-token", "inference-token");
        }
    }

    // No model is trained here: UNAVAILABLE ("no model") shows the token passed.

    @Test
    void inferenceTakesThePredictTokenOrTheApiToken() {
        for (String token : new String[] {"inference-token", "admin-token"}) {
            assertStatus(Status.Code.UNAVAILABLE, "no model",
                    () -> withToken("Bearer " + token).modelInfer(pixelsRaw("default", 0)));
        }
    }

    @Test
    void inferenceWithoutOrWithAWrongTokenIsUnauthenticated() {
        assertStatus(Status.Code.UNAUTHENTICATED, "resnet.predict-token", () -> grpc.modelInfer(pixelsRaw("default", 0)));
        assertStatus(Status.Code.UNAUTHENTICATED, "wrong", () -> withToken("Bearer guess").modelInfer(pixelsRaw("default", 0)));
        assertStatus(Status.Code.UNAUTHENTICATED, "wrong", () -> withToken("inference-token").modelInfer(pixelsRaw("default", 0)));
    }

    @Test
    void healthAndMetadataStayOpen() {
        assertTrue(grpc.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(grpc.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        grpc.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertStatus(Status.Code.UNAVAILABLE, "no model", () -> grpc.modelReady(ModelReadyRequest.newBuilder().setName("default").build()));
    }

    private GRPCInferenceServiceBlockingStub withToken(String authorization) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
        return grpc.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
