package dev.resnetservice.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The newest events of the jobs this process streams, read once from the database for all of its
 * clients: fifty clients of a job cost one query per batch of new events, not fifty per event. Safe
 * to keep because a job's event ids are dense and a written event never changes. {@code latest} is
 * the highest id this process knows to exist (from NOTIFY and reads): while the LISTEN connection
 * holds, a client caught up with it gets "nothing yet" without a query; while it is down, or after
 * it was, only the table can say.
 */
final class RecentEvents {

    private static final int JOBS = 256;
    private static final int EVENTS_PER_JOB = 512;

    private static final class Tail {
        final NavigableMap<Long, StreamEvent> events = new TreeMap<>();
        long latest;
    }

    private boolean connected;
    private final Map<String, Tail> tails = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Tail> eldest) {
            return size() > JOBS;
        }
    };

    /** The event after {@code afterId} if held; null with {@code known} true when there is none yet. */
    synchronized Lookup find(String jobId, long afterId) {
        Tail tail = tails.get(jobId);
        if (tail == null) {
            return Lookup.UNKNOWN;
        }
        StreamEvent next = tail.events.get(afterId + 1);
        if (next != null) {
            return new Lookup(next, true);
        }
        return connected && afterId >= tail.latest ? Lookup.NONE_YET : Lookup.UNKNOWN;
    }

    /**
     * Keeps the events just read after {@code afterId} (in id order; none when there are none yet):
     * so nothing up to the last of them, or up to {@code afterId}, is missing any more.
     */
    synchronized void add(String jobId, long afterId, List<StreamEvent> read) {
        Tail tail = tail(jobId);
        tail.latest = Math.max(tail.latest, afterId);
        for (StreamEvent event : read) {
            tail.events.put(event.id(), event);
            tail.latest = Math.max(tail.latest, event.id());
        }
        while (tail.events.size() > EVENTS_PER_JOB) {
            tail.events.pollFirstEntry();
        }
    }

    /** Notes that event {@code id} of the job exists (a NOTIFY, which may overtake the read that finds it). */
    synchronized void announced(String jobId, long id) {
        Tail tail = tail(jobId);
        tail.latest = Math.max(tail.latest, id);
    }

    private Tail tail(String jobId) {
        return tails.computeIfAbsent(jobId, id -> new Tail());
    }

    /**
     * The LISTEN connection is (again) up: what was known of the newest events may have missed
     * notifications, so it is forgotten. Returns the jobs that were followed, to wake their clients.
     */
    synchronized List<String> connected() {
        List<String> followed = List.copyOf(tails.keySet());
        tails.clear();
        connected = true;
        return followed;
    }

    /** The LISTEN connection is down: notifications are being missed. */
    synchronized void disconnected() {
        connected = false;
    }

    /** A deleted job's ids start again from 1. */
    synchronized void forget(String jobId) {
        tails.remove(jobId);
    }

    /** @param known false when only the database can say */
    record Lookup(StreamEvent event, boolean known) {
        static final Lookup UNKNOWN = new Lookup(null, false);
        static final Lookup NONE_YET = new Lookup(null, true);
    }
}
