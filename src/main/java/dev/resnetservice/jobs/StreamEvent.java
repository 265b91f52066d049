package dev.resnetservice.jobs;

/** A job event as an SSE client receives it: its data written as JSON once, when it was appended. */
record StreamEvent(long id, String name, String data) {

    boolean done() {
        return JobEvent.DONE.equals(name);
    }
}
