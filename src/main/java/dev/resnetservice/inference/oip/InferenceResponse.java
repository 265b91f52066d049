package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The JSON of an inference answer (its header, when outputs follow in binary): the model that
 * answered, by name and version (epoch), and the request's id.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceResponse(@JsonProperty("model_name") String modelName,
        @JsonProperty("model_version") String modelVersion, String id, List<Output> outputs) {

    /** An output: its values in {@code data}, or {@code parameters.binary_data_size} bytes of the binary part. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(String name, String datatype, List<Long> shape, Parameters parameters, JsonNode data) {
    }
}
