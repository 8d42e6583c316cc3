package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Random;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.util.MD5FileUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot digests without a memory map agree with Ratis' own, and a changed file fails its check. */
class SnapshotDigestsTest {

    @TempDir
    Path temp;

    @Test
    void theDigestWrittenAlongAndTheOneReadBackAgreeWithRatis() throws IOException {
        byte[] content = new byte[3 * (1 << 20) + 12_345]; // more than one read buffer
        new Random(7).nextBytes(content);
        Path file = temp.resolve("snapshot");
        MessageDigest digest = MD5FileUtil.newMD5();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            var channel = SnapshotDigests.digesting(out, digest);
            while (b.hasRemaining()) {
                ByteBuffer part = b.slice().limit(Math.min(b.remaining(), 100_000));
                channel.write(part);
                b.position(b.position() + 100_000 > content.length ? content.length : b.position() + 100_000);
            }
        }
        MD5Hash written = MD5Hash.newInstance(digest.digest());
        assertEquals(MD5FileUtil.computeMd5ForFile(file.toFile()), written);
        assertEquals(written, SnapshotDigests.compute(file.toFile()));
        SnapshotDigests.verify(file.toFile(), written);

        Files.write(file, new byte[] {1}, StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> SnapshotDigests.verify(file.toFile(), written));
        assertTrue(e.getMessage().contains(written.toString()), e.getMessage());
    }
}
