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
 * The faulty file system of the io nemesis and of failing fsyncs, on a real FUSE mount: files pass
 * through to the backing folder; told to, it fails writes (and fsync, create, rename, delete),
 * reads, or fsyncs alone with EIO, and heals; unmounted, nothing is left mounted. Needs root and /dev/fuse (skipped, saying so,
 * otherwise), a C compiler and libfuse3-dev (.ci/run installs them).
 */
class FaultyDiskIT {

    @TempDir
    Path tmp;

    /** The program built and mounted at tmp/mount over tmp/backing; skips (saying so) without root or FUSE. */
    private FaultyDisk mounted() throws java.io.IOException {
        assumeTrue(NetnsNetwork.available() && Files.exists(Path.of("/dev/fuse")),
                "needs root and /dev/fuse: the faulty file system was not tested");
        Path program = FaultyDisk.build(tmp.resolve("tools"), "gcc");
        return FaultyDisk.mount(program, tmp.resolve("backing"), tmp.resolve("mount"), tmp.resolve("faultfs.log"));
    }

    @Test
    void writesAndReadsFailWhenToldAndWorkAgainWhenHealed() throws Exception {
        Path backing = tmp.resolve("backing");
        Path mount = tmp.resolve("mount");
        Path file = mount.resolve("log/segment");
        try (FaultyDisk disk = mounted()) {
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

    @Test
    void fsyncsFailAloneAndStaySoWhileReadsAndWritesHeal() throws Exception {
        Path file = tmp.resolve("mount/segment");
        try (FaultyDisk disk = mounted();
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            disk.failFsyncs(true);
            out.write(ByteBuffer.wrap("entry 1\n".getBytes(StandardCharsets.UTF_8)));
            IOException fsync = assertThrows(IOException.class, () -> out.force(false), "fdatasync fails");
            assertTrue(String.valueOf(fsync.getMessage()).contains("Input/output error"), fsync.toString());
            assertThrows(IOException.class, () -> out.force(true), "fsync fails");
            assertEquals("entry 1\n", Files.readString(file), "writes and reads pass while fsyncs fail");

            // The io nemesis healing its own fault leaves the disk nemesis's in place, and the other way round.
            disk.fail(FaultyDisk.Failing.READS);
            disk.fail(FaultyDisk.Failing.NOTHING);
            assertThrows(IOException.class, () -> out.force(true), "still failing after the io nemesis healed");
            disk.fail(FaultyDisk.Failing.READS);
            disk.failFsyncs(false);
            out.force(true);
            assertThrows(IOException.class, () -> Files.readAllBytes(file), "reads still fail after the fsyncs healed");
            disk.fail(FaultyDisk.Failing.NOTHING);
            assertEquals("entry 1\n", Files.readString(file));
        }
        assertTrue(Files.readString(tmp.resolve("faultfs.log")).contains("fsyncs (alone) failed"), "the counts are printed at unmount");
    }

    @Test
    void aTornWriteLeavesHalfOfItThenWritesFailUntilHealed_andShortWritesTakeHalfWithoutAnError() throws Exception {
        Path file = tmp.resolve("mount/segment");
        Path backing = tmp.resolve("backing/segment");
        try (FaultyDisk disk = mounted();
             FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap("0123456789".getBytes(StandardCharsets.UTF_8)));

            disk.fail(FaultyDisk.Failing.TORN);
            assertThrows(IOException.class, () -> out.write(ByteBuffer.wrap("abcdefgh".getBytes(StandardCharsets.UTF_8))));
            assertEquals("0123456789abcd", Files.readString(backing), "the torn write's first half reached the disk");
            disk.failFsyncs(false); // the mask sent again with the tear still set: it is not re-armed, nor mended
            assertThrows(IOException.class, () -> out.write(ByteBuffer.wrap("xyzw".getBytes(StandardCharsets.UTF_8))), "writes fail after it");
            assertEquals("0123456789abcd", Files.readString(backing), "and none of them reaches the disk, not even in part");
            assertEquals("0123456789abcd", Files.readString(file), "reads pass");

            disk.fail(FaultyDisk.Failing.SHORT);
            ByteBuffer eight = ByteBuffer.wrap("ABCDEFGH".getBytes(StandardCharsets.UTF_8));
            assertEquals(4, out.write(eight, 14), "a short write says how much it took");
            while (eight.hasRemaining()) {
                out.write(eight, 14 + eight.position());
            }
            assertEquals("0123456789abcdABCDEFGH", Files.readString(file), "a writer that loops loses nothing");

            disk.fail(FaultyDisk.Failing.NOTHING);
            assertEquals(3, out.write(ByteBuffer.wrap("end".getBytes(StandardCharsets.UTF_8)), 22));
        }
        String log = Files.readString(tmp.resolve("faultfs.log"));
        assertTrue(log.contains(", 1 writes torn"), log);
    }
}
