package dev.cistern.s3.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that reads in blocks: a single-byte read (and so InputStream's skip) is a one-byte
 * block read, so a body stream has exactly one read path, and no byte gets past its checks.
 */
public abstract class BlockReadStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
