package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.web.InvalidRequestException;
import java.util.HashSet;
import java.util.List;

/**
 * The JSON of POST /v2/models/{model}/infer (the header, when the body also carries binary
 * tensors). Its form is checked here, as it is read; what needs the model or the binary part
 * (data lengths, class counts) is checked where they meet.
 */
public record InferenceRequest(String id, Parameters parameters, List<Input> inputs, List<Output> outputs) {

    public InferenceRequest {
        if (inputs == null || inputs.size() != 1) {
            throw new InvalidRequestException("inputs", "one input per request, " + InputKind.NAMES + "; got "
                    + (inputs == null ? 0 : inputs.size()));
        }
        if (outputs == null || outputs.isEmpty()) {
            outputs = OutputKind.names().stream().map(name -> new Output(name, null)).toList();
        }
        if (!outputs.stream().map(Output::name).allMatch(new HashSet<>()::add)) {
            throw new InvalidRequestException("outputs", "each output may be asked for once");
        }
    }

    Input input() {
        return inputs.get(0);
    }

    /** Whether an output comes back in binary: as it says, else as the request's binary_data_output says. */
    boolean binary(Output output) {
        if (output.parameters() != null && output.parameters().binaryData() != null) {
            return output.parameters().binaryData();
        }
        return parameters != null && Boolean.TRUE.equals(parameters.binaryDataOutput());
    }

    /**
     * One input tensor: its values in {@code data} (flat or nested, row-major) or in the binary part
     * (InputValues checks which); gRPC's carries neither, its values come beside it.
     */
    public record Input(String name, List<Long> shape, String datatype, Parameters parameters, JsonNode data) {

        public Input {
            InputKind kind = InputKind.named(name).orElseThrow(() -> new InvalidRequestException("inputs.name",
                    "unknown input '" + name + "'; send " + InputKind.NAMES));
            if (!kind.datatype.equals(datatype)) {
                throw new InvalidRequestException("inputs.datatype", name + " is " + kind.datatype + ", got " + datatype);
            }
        }

        InputKind kind() {
            return InputKind.named(name).orElseThrow();
        }

        /** Bytes of this input in the binary part, or null when its values are in {@code data}. */
        Long binarySize() {
            return parameters == null ? null : parameters.binaryDataSize();
        }
    }

    /** An output asked for; {@code parameters.classification} turns it into the top k classes. */
    public record Output(String name, Parameters parameters) {

        public Output {
            if (OutputKind.named(name).isEmpty()) {
                throw new InvalidRequestException("outputs.name", "unknown output '" + name + "'; the outputs are "
                        + String.join(", ", OutputKind.names()));
            }
        }

        OutputKind kind() {
            return OutputKind.named(name).orElseThrow();
        }

        /** The k of the classification extension, checked against the model's classes; null without it. */
        Integer classification(int classes) {
            Integer k = parameters == null ? null : parameters.classification();
            if (k != null && (k < 1 || k > classes)) {
                throw new InvalidRequestException("outputs.parameters.classification",
                        "must be between 1 and " + classes + ", got " + k);
            }
            return k;
        }
    }
}
