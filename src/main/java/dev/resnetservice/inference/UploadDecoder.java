package dev.resnetservice.inference;

import dev.resnetservice.ResnetConfig;
import dev.resnetservice.web.BusyException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.Semaphore;

/**
 * Decodes the encoded images of inference requests, whichever protocol brought them, with one
 * {@link ImageDecoder} and one bound on how many requests decode at once.
 */
@ApplicationScoped
public class UploadDecoder {

    private final ImageDecoder decoder;
    private final Semaphore decodes;

    public UploadDecoder(ResnetConfig config) {
        this.decoder = new ImageDecoder(config.predict().maxPixels(), config.predict().maxSide());
        this.decodes = new Semaphore(config.predict().maxConcurrentDecodes());
    }

    /** At most max-concurrent-decodes requests decode at once: each may hold a large image's rows. */
    public List<DecodedImage> decode(List<ImageUpload> uploads) {
        if (!decodes.tryAcquire()) {
            throw new BusyException("Too many uploads at once", "other requests are decoding images"
                    + " (resnet.predict.max-concurrent-decodes); try again shortly", 1);
        }
        try {
            return uploads.stream().map(u -> decoder.decode(u.file(), u.bytes())).toList();
        } finally {
            decodes.release();
        }
    }
}
