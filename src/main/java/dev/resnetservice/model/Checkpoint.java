package dev.resnetservice.model;

import java.nio.file.Path;

/** A checkpoint on disk: its parameter file, its manifest file and what the manifest says. */
public record Checkpoint(int epoch, Path params, Path manifestFile, CheckpointManifest manifest) {
}
