package dev.resnetservice.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSamplerTest {

    @Test
    void orderIsAPermutationOfEveryIndex() {
        int[] order = BatchSampler.order(1000, 0, 3);
        assertArrayEquals(IntStream.range(0, 1000).toArray(), Arrays.stream(order).sorted().toArray());
        assertFalse(Arrays.equals(IntStream.range(0, 1000).toArray(), order), "order is shuffled");
    }

    @Test
    void sameSeedAndEpochGiveTheSameOrder() {
        assertArrayEquals(BatchSampler.order(500, 42, 7), BatchSampler.order(500, 42, 7));
    }

    @Test
    void differentEpochsAndSeedsGiveDifferentOrders() {
        assertFalse(Arrays.equals(BatchSampler.order(500, 0, 1), BatchSampler.order(500, 0, 2)));
        assertFalse(Arrays.equals(BatchSampler.order(500, 0, 1), BatchSampler.order(500, 1, 1)));
    }

    @Test
    void handlesEmptyAndSingleElementSplits() {
        assertEquals(0, BatchSampler.order(0, 0, 0).length);
        assertArrayEquals(new int[] {0}, BatchSampler.order(1, 0, 0));
    }

    @Test
    void batchesKeepTheLastPartialBatch() {
        assertEquals(196, BatchSampler.batches(50_000, 256));
        assertEquals(40, BatchSampler.batches(10_000, 256));
        assertEquals(2, BatchSampler.batches(512, 256));
        assertEquals(1, BatchSampler.batches(1, 256));
        assertEquals(0, BatchSampler.batches(0, 256));
    }
}
