package io.ringcache.placement.core;

import java.io.IOException;
import java.util.Optional;

/** Where placement keeps its map across restarts. */
public interface PartitionMapRepository {

    Optional<PartitionMap> load() throws IOException;

    /** Durably replaces the stored map; returns only once it would survive a crash. */
    void save(PartitionMap map) throws IOException;
}
