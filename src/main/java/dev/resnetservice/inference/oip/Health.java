package dev.resnetservice.inference.oip;

/** The bodies of the protocol's health answers; the status code carries the verdict too. */
public final class Health {

    private Health() {
    }

    public record Live(boolean live) {
    }

    public record Ready(boolean ready) {
    }

    public record ModelReady(String name, boolean ready) {
    }
}
