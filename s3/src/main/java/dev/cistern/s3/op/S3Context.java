package dev.cistern.s3.op;

import dev.cistern.engine.Engine;
import dev.cistern.s3.S3Config;
import dev.cistern.s3.store.BucketStore;
import dev.cistern.s3.store.KeyLocks;
import java.time.Clock;

/** What every operation shares: the engine, the bucket store, per-key locks and the settings. */
public record S3Context(Engine engine, BucketStore buckets, KeyLocks locks, S3Config config) {
    public Clock clock() {
        return config.clock();
    }
}
