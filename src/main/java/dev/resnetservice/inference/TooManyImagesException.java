package dev.resnetservice.inference;

import dev.resnetservice.web.ProblemException;

/** More images in one request than resnet.predict.max-images: 413, whatever the protocol. */
public class TooManyImagesException extends ProblemException {

    public TooManyImagesException(int count, int max, String field) {
        super(413, "Too many images", count + " images in one request; the limit is " + max
                + " (resnet.predict.max-images): send them in several requests", field);
    }
}
