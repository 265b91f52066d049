package dev.resnetservice.workers;

import java.time.Instant;

/**
 * A training worker as GET /workers shows it. {@code state}: idle, training (then {@code job} says
 * which) or lost (no heartbeat within a lease).
 */
public record Worker(String id, String host, String device, String state, String job, Instant startedAt,
        Instant lastHeartbeat) {
}
