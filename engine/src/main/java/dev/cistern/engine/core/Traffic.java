package dev.cistern.engine.core;

import java.util.concurrent.atomic.LongAdder;

/** Bytes a container's clients wrote and read since the engine started. */
final class Traffic {
    final LongAdder written = new LongAdder();
    final LongAdder read = new LongAdder();

    void written(long n) {
        written.add(n);
    }

    void read(long n) {
        read.add(n);
    }
}
