package dev.resnetservice.data;

import java.util.List;

/** Per-channel statistics that turn 0..1 pixels into network inputs: (x - mean) / std. */
public record Normalization(List<Double> mean, List<Double> std) {

    public Normalization {
        if (mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("mean and std need 3 channels, got " + mean + " and " + std);
        }
        if (std.stream().anyMatch(s -> !(s > 0))) {
            throw new IllegalArgumentException("std must be positive, got " + std);
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** The seed recipe's CIFAR-10 statistics. */
    public static Normalization cifar10() {
        return new Normalization(List.of(0.4914, 0.4822, 0.4465), List.of(0.2023, 0.1994, 0.2010));
    }
}
