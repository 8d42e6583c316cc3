package io.ringcache.chaos.adapter.linux;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small filesystem of its own (tmpfs of a fixed size) under a node's store data, so the disk-full
 * fault can fill it: a filler file grows until the kernel answers ENOSPC, and every write the store
 * makes after that fails the same way until the filler is deleted.
 */
public final class TmpfsDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;
    private boolean mounted;

    private TmpfsDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("chaos-filler");
    }

    public static TmpfsDisk mount(Path mountPoint, int megabytes) throws IOException {
        Files.createDirectories(mountPoint);
        TmpfsDisk disk = new TmpfsDisk(mountPoint);
        Commands.run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        disk.mounted = true;
        return disk;
    }

    public Path path() {
        return mountPoint;
    }

    /** Fills the filesystem: writes zeros until the kernel refuses. */
    public void fill() throws IOException {
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            if (!e.getMessage().contains("No space left")) {
                throw e;
            }
        }
    }

    /** Frees what {@link #fill} took. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Unmounts (after the processes using it are gone). */
    @Override
    public void close() {
        if (mounted) {
            Commands.quietly("umount", "-l", mountPoint.toString());
            mounted = false;
        }
    }
}
