package io.ringcache.placement.adapter.proto;

import io.ringcache.placement.api.AccessTableProtos;
import io.ringcache.placement.api.PartitionMapProtos;
import io.ringcache.placement.core.access.AccessTable;
import io.ringcache.placement.core.Operator;
import io.ringcache.placement.core.OperatorId;
import io.ringcache.placement.core.OperatorKind;
import io.ringcache.placement.core.OperatorStatus;
import io.ringcache.placement.core.OperatorStep;
import io.ringcache.placement.core.PlacementState;
import io.ringcache.proto.v1.OperatorInfo;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts the PD's replicated state and its operators to and from their wire form. */
public final class PlacementStateProtos {

    private PlacementStateProtos() {
    }

    public static io.ringcache.proto.v1.PlacementState toProto(PlacementState s) {
        io.ringcache.proto.v1.PlacementState.Builder out = io.ringcache.proto.v1.PlacementState.newBuilder()
                .setRevision(s.revision()).setNextOperatorId(s.nextOperatorId());
        if (s.map() != null) {
            out.setMap(PartitionMapProtos.toProto(s.map()));
        }
        for (Operator op : s.operators().values()) {
            out.addOperators(toProto(op));
        }
        if (s.access().revision() > 0) {
            out.setAccess(AccessTableProtos.toProto(s.access()));
        }
        return out.build();
    }

    public static PlacementState fromProto(io.ringcache.proto.v1.PlacementState p) {
        Map<OperatorId, Operator> ops = new LinkedHashMap<>();
        for (OperatorInfo o : p.getOperatorsList()) {
            Operator op = fromProto(o);
            ops.put(op.id(), op);
        }
        return new PlacementState(p.getRevision(), p.hasMap() ? PartitionMapProtos.fromProto(p.getMap()) : null, ops,
                Math.max(1, p.getNextOperatorId()),
                p.hasAccess() ? AccessTableProtos.fromProto(p.getAccess()) : AccessTable.EMPTY);
    }

    public static OperatorInfo toProto(Operator op) {
        return OperatorInfo.newBuilder().setId(op.id().toString()).setShardId(op.shardId())
                .setKind(io.ringcache.proto.v1.OperatorKind.valueOf("OPERATOR_KIND_" + op.kind().name()))
                .setSourceStore(op.source()).setTargetStore(op.target())
                .setStatus(io.ringcache.proto.v1.OperatorStatus.valueOf("OPERATOR_STATUS_" + op.status().name()))
                .setStep(op.step().label()).setReason(op.reason()).setOrigin(op.origin())
                .setCreatedUnixMs(op.created()).setUpdatedUnixMs(op.updated()).setAttempts(op.attempts())
                .setMark(op.mark()).build();
    }

    public static Operator fromProto(OperatorInfo o) {
        return new Operator(o.getId().isEmpty() ? OperatorId.DRAFT : OperatorId.parse(o.getId()), o.getShardId(),
                OperatorKind.valueOf(o.getKind().name().substring("OPERATOR_KIND_".length())),
                o.getSourceStore(), o.getTargetStore(),
                OperatorStatus.valueOf(o.getStatus().name().substring("OPERATOR_STATUS_".length())),
                OperatorStep.ofLabel(o.getStep()), o.getReason(), o.getOrigin(), o.getMark(), o.getCreatedUnixMs(),
                o.getUpdatedUnixMs(), o.getAttempts());
    }
}
