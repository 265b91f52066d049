package dev.resnetservice.inference;

import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc;
import dev.resnetservice.inference.oip.grpc.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferRequest;
import dev.resnetservice.inference.oip.grpc.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Open Inference Protocol gRPC load from this JVM: one HTTP/2 connection, {@code concurrency} calls
 * in flight, each user sending its next ModelInfer when the last one's answer has arrived. Answers
 * are handled on Netty's own threads (direct executor): no thread hop per call on this side.
 */
final class GrpcLoad implements AutoCloseable {

    private final ManagedChannel channel;
    private final GRPCInferenceServiceStub stub;

    GrpcLoad(int port) {
        this.channel = NettyChannelBuilder.forAddress("localhost", port).usePlaintext()
                .directExecutor().maxInboundMessageSize(16 << 20).build();
        this.stub = GRPCInferenceServiceGrpc.newStub(channel);
    }

    LoadResult run(List<ModelInferRequest> requests, int concurrency, int seconds) throws InterruptedException {
        long[] latencies = new long[seconds * 20_000];
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch users = new CountDownLatch(concurrency);
        long cpuBefore = LoadResult.processCpuNanos();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (int u = 0; u < concurrency; u++) {
            send(requests, sent, answered, latencies, failure, users, end);
        }
        if (!users.await(seconds + 60L, TimeUnit.SECONDS)) {
            throw new IllegalStateException("gRPC calls still unanswered a minute after the run");
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long cpu = LoadResult.processCpuNanos() - cpuBefore;
        if (failure.get() != null) {
            throw new IllegalStateException("ModelInfer failed: " + failure.get(), failure.get());
        }
        int count = Math.min(answered.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new LoadResult(answered.get(), wall, LoadResult.percentileMillis(sorted, 0.50),
                LoadResult.percentileMillis(sorted, 0.90), LoadResult.percentileMillis(sorted, 0.99), cpu);
    }

    private void send(List<ModelInferRequest> requests, AtomicInteger sent, AtomicInteger answered, long[] latencies,
            AtomicReference<Throwable> failure, CountDownLatch users, long end) {
        long started = System.nanoTime();
        ModelInferRequest request = requests.get(Math.floorMod(sent.getAndIncrement(), requests.size()));
        stub.modelInfer(request, new StreamObserver<>() {
            @Override
            public void onNext(ModelInferResponse response) {
                if (response.getRawOutputContentsCount() == 0) {
                    failure.compareAndSet(null, new IllegalStateException("an answer without raw outputs"));
                }
            }

            @Override
            public void onError(Throwable error) {
                failure.compareAndSet(null, error);
                users.countDown();
            }

            @Override
            public void onCompleted() {
                long now = System.nanoTime();
                int index = answered.getAndIncrement();
                if (index < latencies.length) {
                    latencies[index] = now - started;
                }
                if (now < end && failure.get() == null) {
                    send(requests, sent, answered, latencies, failure, users, end);
                } else {
                    users.countDown();
                }
            }
        });
    }


    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
