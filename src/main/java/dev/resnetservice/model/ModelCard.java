package dev.resnetservice.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.resnetservice.data.Normalization;
import java.util.List;

/** What a checkpoint's manifest says about the model, beside its epoch and metrics. */
public record ModelCard(Architecture architecture, List<String> classes, Normalization normalization,
        boolean testTimeAugmentation, JsonNode spec) {
}
