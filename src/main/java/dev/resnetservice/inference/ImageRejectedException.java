package dev.resnetservice.inference;

import dev.resnetservice.web.ProblemException;

/** An uploaded file that cannot become a model input; the detail always starts with the file name. */
public class ImageRejectedException extends ProblemException {

    private final String file;

    private ImageRejectedException(int status, String title, String file, String reason) {
        super(status, title, file + ": " + reason, null);
        this.file = file;
    }

    public static ImageRejectedException empty(String file) {
        return new ImageRejectedException(400, "Empty image", file, "the file is empty (0 bytes)");
    }

    public static ImageRejectedException notAnImage(String file, String reason) {
        return new ImageRejectedException(415, "Not an image", file, reason);
    }

    public static ImageRejectedException tooLarge(String file, int width, int height, long maxPixels) {
        return new ImageRejectedException(413, "Image too large", file, width + "x" + height
                + " pixels is more than the limit of " + maxPixels + " (resnet.predict.max-pixels)");
    }

    public static ImageRejectedException tooWide(String file, int width, int height, int maxSide) {
        return new ImageRejectedException(413, "Image too large", file, width + "x" + height
                + " pixels has a side longer than the limit of " + maxSide + " (resnet.predict.max-side)");
    }

    /** The rejected file's name, as the client sent it. */
    public String file() {
        return file;
    }
}
