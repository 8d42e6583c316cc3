package io.ringcache.chaos.adapter.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The io nemesis's faulty file system on a real FUSE mount: files pass through to the backing
 * folder; told to, it fails writes (and fsync, create, rename, delete) or reads with EIO, and
 * heals; unmounted, nothing is left mounted. Needs root and /dev/fuse (skipped, saying so,
 * otherwise), a C compiler and libfuse3-dev (.ci/run installs them).
 */
class FaultyDiskIT {

    @TempDir
    Path tmp;

    @Test
    void writesAndReadsFailWhenToldAndWorkAgainWhenHealed() throws Exception {
        assumeTrue(NetnsNetwork.available() && Files.exists(Path.of("/dev/fuse")),
                "needs root and /dev/fuse: the faulty file system was not tested");
        Path program = FaultyDisk.build(tmp.resolve("tools"), "gcc");
        Path backing = tmp.resolve("backing");
        Path mount = tmp.resolve("mount");
        Path file = mount.resolve("log/segment");
        try (FaultyDisk disk = FaultyDisk.mount(program, backing, mount, tmp.resolve("faultfs.log"))) {
            Files.createDirectories(file.getParent());
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap("entry 1\n".getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            assertEquals("entry 1\n", Files.readString(backing.resolve("log/segment")), "passes through to the backing folder");

            disk.fail(FaultyDisk.Failing.WRITES);
            IOException write = assertThrows(IOException.class, () -> Files.writeString(file, "entry 2\n", StandardOpenOption.APPEND));
            assertTrue(String.valueOf(write.getMessage()).contains("Input/output error"), write.toString());
            assertThrows(IOException.class, () -> Files.createFile(mount.resolve("log/other")));
            assertThrows(IOException.class, () -> Files.delete(file));
            assertEquals("entry 1\n", Files.readString(file), "reads still work while writes fail");

            disk.fail(FaultyDisk.Failing.READS);
            assertThrows(IOException.class, () -> Files.readAllBytes(file));
            Files.writeString(file, "entry 2\n", StandardOpenOption.APPEND);

            disk.fail(FaultyDisk.Failing.NOTHING);
            assertArrayEquals("entry 1\nentry 2\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
            Files.move(file, mount.resolve("log/renamed"));
            Files.createLink(mount.resolve("log/linked"), mount.resolve("log/renamed"));
            assertTrue(Files.exists(backing.resolve("log/linked")));
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mount + " "), "unmounted");
    }
}
