package dev.resnetservice.training;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class NnpackSwitchTest {

    @Test
    void findsTheLoadedLibtorchAndTurnsNnpackOff() {
        Engine.getEngine("PyTorch");
        assertTrue(NnpackSwitch.turnOff());
    }
}
