package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.OperatorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Operator rows and documents, shared by the commands that show operators. */
final class Views {

    private Views() {
    }

    static Table operatorTable(List<OperatorInfo> ops, long now) {
        Table t = new Table().col("ID").num("SHARD").col("KIND").col("FROM").col("TO").col("STATUS").col("STEP")
                .col("REASON").col("ORIGIN").num("AGE");
        for (OperatorInfo op : ops) {
            t.row(op.getId(), Integer.toUnsignedString(op.getShardId()), Fmt.kind(op.getKind()), op.getSourceStore(),
                    op.getTargetStore(), Fmt.status(op.getStatus()), op.getStep(), Fmt.oneLine(op.getReason()),
                    op.getOrigin(), op.getCreatedUnixMs() > 0 ? Fmt.age(now - op.getCreatedUnixMs()) : "-");
        }
        return t;
    }

    /** The plan of {@code rebalance} (ids are empty in a dry run). */
    static Table planTable(List<OperatorInfo> plan) {
        Table t = new Table().num("#").col("ID").num("SHARD").col("KIND").col("FROM").col("TO").col("STATUS");
        int i = 0;
        for (OperatorInfo op : plan) {
            t.row(++i, op.getId(), Integer.toUnsignedString(op.getShardId()), Fmt.kind(op.getKind()),
                    op.getSourceStore(), op.getTargetStore(), op.getId().isEmpty() ? "PLANNED" : Fmt.status(op.getStatus()));
        }
        return t;
    }

    static Map<String, Object> operatorJson(OperatorInfo op, long now) {
        return Json.obj(
                "id", op.getId(),
                "shard", Integer.toUnsignedLong(op.getShardId()),
                "kind", Fmt.kind(op.getKind()),
                "from", op.getSourceStore(),
                "to", op.getTargetStore(),
                "status", Fmt.status(op.getStatus()),
                "step", op.getStep(),
                "reason", op.getReason(),
                "origin", op.getOrigin(),
                "attempts", Integer.toUnsignedLong(op.getAttempts()),
                "created_unix_ms", op.getCreatedUnixMs(),
                "updated_unix_ms", op.getUpdatedUnixMs(),
                "age_ms", op.getCreatedUnixMs() > 0 ? now - op.getCreatedUnixMs() : null);
    }

    static List<Object> operatorsJson(List<OperatorInfo> ops, long now) {
        List<Object> out = new ArrayList<>();
        for (OperatorInfo op : ops) {
            out.add(operatorJson(op, now));
        }
        return out;
    }
}
