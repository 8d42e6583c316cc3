package io.ringcache.shard.adapter.ratis;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The MD5 digests Ratis keeps beside each snapshot file, computed while the file is written and
 * checked by reading it through a buffer: never through a memory map, as Ratis 3.3.0's
 * {@code MD5FileUtil.computeMd5ForFile} does. A mapped file is read by page faults in Java code,
 * where a slow disk holds up every thread of the JVM waiting for a safepoint, and a read error
 * (EIO) arrives as SIGBUS instead of an IOException; the fault suite's IO-error nemesis runs the
 * stores' Raft folders on a file system that answers EIO (chaos README, finding 20).
 */
final class SnapshotDigests {

    private static final int BUFFER_BYTES = 1 << 20;

    private SnapshotDigests() {
    }

    /** A channel that passes writes to {@code out} and adds the bytes written to {@code digest}. */
    static WritableByteChannel digesting(FileChannel out, MessageDigest digest) {
        return new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                ByteBuffer written = src.duplicate();
                int n = out.write(src);
                written.limit(written.position() + n);
                digest.update(written);
                return n;
            }

            @Override
            public boolean isOpen() {
                return out.isOpen();
            }

            @Override
            public void close() {
                // the caller closes the file
            }
        };
    }

    /** The file's MD5, read through a buffer. */
    static MD5Hash compute(File file) throws IOException {
        MessageDigest md5 = MD5FileUtil.newMD5();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
        try (FileChannel in = FileChannel.open(file.toPath(), StandardOpenOption.READ)) {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                md5.update(buffer);
                buffer.clear();
            }
        }
        return MD5Hash.newInstance(md5.digest());
    }

    /** Checks the file against {@code expected}; IOException naming both digests when they differ. */
    static void verify(File file, MD5Hash expected) throws IOException {
        MD5Hash actual = compute(file);
        if (!actual.equals(expected)) {
            throw new IOException("snapshot " + file + " has MD5 " + actual + ", not the " + expected + " saved with it");
        }
    }
}
