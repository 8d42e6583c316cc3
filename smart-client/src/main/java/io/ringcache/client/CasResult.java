package io.ringcache.client;

import java.util.Optional;

/**
 * The answer to a compare-and-set: on success the version written; on failure the key's
 * current value (empty when the key is absent), so the caller can decide without another read.
 */
public record CasResult(boolean succeeded, long version, Optional<Versioned> current) {
}
