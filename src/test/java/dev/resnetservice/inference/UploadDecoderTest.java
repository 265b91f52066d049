package dev.resnetservice.inference;

import static dev.resnetservice.testdata.TestImages.png;
import static dev.resnetservice.testdata.TestImages.solid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.resnetservice.web.BusyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class UploadDecoderTest {

    /** 4096 x 4096, the most pixels the service takes by default: its decode holds a slot for a while. */
    private static final ImageUpload LARGE = new ImageUpload("large.png", png(solid(4096, 4096, 0x336699)));

    @Test
    void requestsBeyondTheDecodeSlotsWaitForOneAndAllAreDecoded() {
        List<Throwable> failures = decodeAtOnce(new UploadDecoder(decoder(), 1, Duration.ofSeconds(30)), 3);
        assertEquals(List.of(), failures);
    }

    @Test
    void aRequestThatFindsNoDecodeSlotWithinTheTimeoutIs503NamingTheSettings() {
        UploadDecoder uploads = new UploadDecoder(decoder(), 1, Duration.ofMillis(10));
        List<Throwable> failures = decodeAtOnce(uploads, 2);
        assertEquals(1, failures.size(), "one decodes, the other finds the only slot taken: " + failures);
        BusyException busy = assertInstanceOf(BusyException.class, failures.get(0));
        assertEquals(503, busy.status());
        assertTrue(busy.getMessage().contains("resnet.predict.max-concurrent-decodes"), busy.getMessage());
        assertEquals(1, uploads.decode(List.of(LARGE)).size(), "the slot is free again");
    }

    private static ImageDecoder decoder() {
        return new ImageDecoder(4096L * 4096, 16384);
    }

    /** {@code requests} decodes of the large image started at once (each takes far longer than 10 ms); what they threw. */
    private static List<Throwable> decodeAtOnce(UploadDecoder uploads, int requests) {
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        try {
            List<CompletableFuture<List<DecodedImage>>> decoded = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                decoded.add(CompletableFuture.supplyAsync(() -> uploads.decode(List.of(LARGE)), threads));
            }
            List<Throwable> failures = new ArrayList<>();
            for (CompletableFuture<List<DecodedImage>> request : decoded) {
                try {
                    assertEquals(1, request.join().size());
                } catch (CompletionException e) {
                    failures.add(e.getCause());
                }
            }
            return failures;
        } finally {
            threads.shutdownNow();
        }
    }
}
