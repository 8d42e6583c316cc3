package io.ringcache.placement.adapter.file;

import io.ringcache.placement.adapter.proto.PartitionMapProtos;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.PartitionMapRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Keeps the partition map in one file as a serialized {@code ringcache.v1.PartitionMap}: written
 * to a temporary file, fsynced, then atomically renamed over the old one, so a crash leaves
 * either the old or the new map, never a torn one.
 */
public final class FilePartitionMapRepository implements PartitionMapRepository {

    private final Path file;

    public FilePartitionMapRepository(Path file) {
        this.file = file;
    }

    @Override
    public Optional<PartitionMap> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(PartitionMapProtos.fromProto(io.ringcache.proto.v1.PartitionMap.parseFrom(in)));
        } catch (IllegalArgumentException e) {
            throw new IOException("corrupt partition map in " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void save(PartitionMap map) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = java.nio.channels.Channels.newOutputStream(ch);
            PartitionMapProtos.toProto(map).writeTo(out);
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
