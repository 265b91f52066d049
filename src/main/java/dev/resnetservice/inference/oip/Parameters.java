package dev.resnetservice.inference.oip;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code parameters} of a request, an input or an output, as far as this service reads them;
 * the protocol lets clients send others, which are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Parameters(
        @JsonProperty("binary_data_size") Long binaryDataSize,   // bytes of this tensor after the JSON header
        @JsonProperty("binary_data") Boolean binaryData,         // an output wanted in binary
        Integer classification,                                  // top k of an output as "<value>:<index>:<label>"
        @JsonProperty("binary_data_output") Boolean binaryDataOutput) { // every output in binary, unless it says not

    public static Parameters binarySize(long bytes) {
        return new Parameters(bytes, null, null, null);
    }
}
