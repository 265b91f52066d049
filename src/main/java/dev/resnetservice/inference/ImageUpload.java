package dev.resnetservice.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** An uploaded file as the resource received it: the name the client gave and the bytes. */
public record ImageUpload(String file, byte[] bytes) {

    /** A multipart part (Quarkus keeps it in a temporary file until the request ends). */
    public static ImageUpload of(FileUpload part) {
        String name = part.fileName() == null || part.fileName().isBlank() ? part.name() : part.fileName();
        try {
            return new ImageUpload(name, Files.readAllBytes(part.uploadedFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload " + name, e);
        }
    }
}
