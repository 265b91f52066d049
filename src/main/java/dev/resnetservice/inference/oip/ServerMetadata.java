package dev.resnetservice.inference.oip;

import java.util.List;

/** GET /v2: who answers, and which protocol extensions it speaks. */
public record ServerMetadata(String name, String version, List<String> extensions) {
}
