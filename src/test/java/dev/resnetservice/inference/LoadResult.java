package dev.resnetservice.inference;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** What one closed-loop load run measured, on the load generator's side. */
record LoadResult(long requests, double seconds, double p50Ms, double p90Ms, double p99Ms, long clientCpuNanos) {

    double perSecond() {
        return requests / seconds;
    }

    /** The load generator's CPU, in cores kept busy. */
    double clientCores() {
        return clientCpuNanos / 1e9 / seconds;
    }

    /** The nearest-rank {@code q} quantile of {@code sortedNanos}, in ms; NaN when there is none. */
    static double percentileMillis(long[] sortedNanos, double q) {
        return sortedNanos.length == 0 ? Double.NaN
                : sortedNanos[Math.max(0, (int) Math.ceil(q * sortedNanos.length) - 1)] / 1e6;
    }

    /** CPU time this JVM has used, all threads. */
    static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
