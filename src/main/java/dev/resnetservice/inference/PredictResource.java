package dev.resnetservice.inference;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

@Path("/predict")
@Produces(MediaType.APPLICATION_JSON)
public class PredictResource {

    private final PredictService predictions;

    public PredictResource(PredictService predictions) {
        this.predictions = predictions;
    }

    /** One or more files, under any part names. */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public PredictResponse files(@RestForm(FileUpload.ALL) List<FileUpload> files, @RestQuery String model,
            @RestQuery Integer topk) {
        return predictions.predict(files.stream().map(ImageUpload::of).toList(), model, topk);
    }

    /** One image as the request body. */
    @POST
    @Consumes({"image/png", "image/jpeg", "image/bmp", "image/gif", "image/*", MediaType.APPLICATION_OCTET_STREAM})
    public PredictResponse body(byte[] image, @RestQuery String model, @RestQuery Integer topk) {
        return predictions.predict(List.of(new ImageUpload("body", image)), model, topk);
    }
}
