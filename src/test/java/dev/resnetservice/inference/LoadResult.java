package dev.resnetservice.inference;

/** What one closed-loop load run measured, on the load generator's side. */
record LoadResult(long requests, double seconds, double p50Ms, double p90Ms, double p99Ms, long clientCpuNanos) {

    double perSecond() {
        return requests / seconds;
    }

    /** The load generator's CPU, in cores kept busy. */
    double clientCores() {
        return clientCpuNanos / 1e9 / seconds;
    }
}
