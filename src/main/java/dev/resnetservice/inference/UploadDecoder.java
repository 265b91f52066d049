package dev.resnetservice.inference;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.web.BusyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Decodes the encoded images of inference requests, whichever protocol brought them, with one
 * {@link ImageDecoder} and one bound on how many requests decode at once.
 */
@ApplicationScoped
public class UploadDecoder {

    private final ImageDecoder decoder;
    private final Semaphore decodes;
    private final Duration timeout;

    @Inject
    public UploadDecoder(ResnetConfig config) {
        this(new ImageDecoder(config.predict().maxPixels(), config.predict().maxSide()),
                config.predict().maxConcurrentDecodes(), config.predict().timeout());
    }

    UploadDecoder(ImageDecoder decoder, int concurrentDecodes, Duration timeout) {
        this.decoder = decoder;
        this.decodes = new Semaphore(concurrentDecodes, true);
        this.timeout = timeout;
    }

    /**
     * At most max-concurrent-decodes requests decode at once: each may hold a large image's rows and
     * a core. The others wait their turn, as they wait for the device, up to resnet.predict.timeout:
     * answering 503 at once refused plain load (16 clients sending 32x32 PNGs got 503s).
     */
    public List<DecodedImage> decode(List<ImageUpload> uploads) {
        try {
            if (!decodes.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BusyException("Too many uploads at once", "other requests were decoding images for "
                        + timeout + " (resnet.predict.max-concurrent-decodes, resnet.predict.timeout); try again"
                        + " shortly", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException("Decoding interrupted", "the service is stopping", 1);
        }
        try {
            return uploads.stream().map(u -> decoder.decode(u.file(), u.bytes())).toList();
        } finally {
            decodes.release();
        }
    }
}
