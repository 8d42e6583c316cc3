package io.ringcache.placement.core;

import java.util.List;
import java.util.Optional;

/** Who the PD members are and which one leads, as this member knows it. */
public interface PlacementMembership {

    /** Leads and has applied everything committed before its term: may serve leader-only requests. */
    boolean isReadyLeader();

    Optional<PdMember> leader();

    List<PdMember> members();
}
