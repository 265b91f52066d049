package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventSubscribersTest {

    private static final String JOB = "20261205-120000-aaaaaa";

    @Test
    void aSubscriberThatThrowsIsDroppedAndNeverStopsTheOthers() {
        EventSubscribers subscribers = new EventSubscribers();
        List<String> heard = new CopyOnWriteArrayList<>();
        EventSubscriber leaving = new EventSubscriber() {
            @Override
            public void wake() {
                throw new IllegalStateException("Already closed");
            }

            @Override
            public void heartbeat() {
                throw new IllegalStateException("Already closed");
            }
        };
        EventSubscriber staying = new EventSubscriber() {
            @Override
            public void wake() {
                heard.add("wake");
            }

            @Override
            public void heartbeat() {
                heard.add("heartbeat");
            }
        };
        assertDoesNotThrow(() -> subscribers.add(JOB, leaving));
        subscribers.add(JOB, staying);

        assertDoesNotThrow(() -> subscribers.wake(JOB));
        assertDoesNotThrow(subscribers::heartbeat);
        subscribers.wake("20261205-120000-bbbbbb");

        assertEquals(List.of("wake", "wake", "heartbeat"), heard);
    }
}
