package dev.resnetservice.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private final RecentEvents recent = new RecentEvents();

    {
        recent.connected();
    }

    private static StreamEvent event(long id) {
        return new StreamEvent(id, "progress", "{\"batch\":" + id + "}");
    }

    @Test
    void eventsReadOnceServeEveryClientAndACaughtUpClientNeedsNoQuery() {
        assertFalse(recent.find("job", 0).known(), "nothing held: ask the database");
        recent.add("job", 0, List.of(event(1), event(2), event(3)));
        assertEquals(event(1), recent.find("job", 0).event());
        assertEquals(event(3), recent.find("job", 2).event());
        RecentEvents.Lookup caughtUp = recent.find("job", 3);
        assertTrue(caughtUp.known());
        assertNull(caughtUp.event());
    }

    @Test
    void anAnnouncedEventIsFetchedEvenWhenTheAnnouncementOvertookTheRead() {
        recent.announced("job", 5); // NOTIFY for event 5 arrives while a read that saw up to 4 is under way
        recent.add("job", 3, List.of(event(4)));
        assertFalse(recent.find("job", 4).known(), "event 5 exists: ask the database");
        recent.add("job", 4, List.of(event(5)));
        assertEquals(event(5), recent.find("job", 4).event());
        assertTrue(recent.find("job", 5).known());
    }

    @Test
    void whileNotificationsAreMissedOnlyTheTableCanSayThereIsNothingNewer() {
        recent.add("job", 0, List.of(event(1), event(2)));
        recent.disconnected();
        assertEquals(event(2), recent.find("job", 1).event(), "a written event stays valid");
        assertFalse(recent.find("job", 2).known(), "event 3 may have been announced while nobody listened");
        assertEquals(List.of("job"), recent.connected(), "the followed jobs, to wake their clients");
        assertFalse(recent.find("job", 2).known(), "forgotten: read from the table again");
    }

    @Test
    void aForgottenJobIsReadAgain() {
        recent.add("job", 0, List.of(event(1)));
        recent.forget("job");
        assertFalse(recent.find("job", 0).known());
    }
}
