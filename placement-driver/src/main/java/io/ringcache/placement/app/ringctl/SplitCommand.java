package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.SplitReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "split", mixinStandardHelpOptions = true,
        description = {"Splits SHARD: a new shard takes half of its ring slots (and the keys in them) on the same "
                + "stores, live. Prints the plan and the split operator; --dry-run prints only the plan.",
            "Splits run one at a time; a running split cannot be cancelled (it finishes on its own)."})
final class SplitCommand extends OperatorCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHARD", description = "The shard id.")
    int shard;

    @Option(names = "--dry-run", description = "Print what the split would do; change nothing.")
    boolean dryRun;

    private SplitReply reply;

    @Override
    int run(PdClient pd) {
        checkShard(shard);
        reply = pd.split(shard, dryRun);
        if (json()) {
            if (dryRun) {
                printJson(Json.obj("shard", shard, "new_shard", reply.getChildShardId(),
                        "moving_slots", reply.getMovingSlots(), "ring_slots", reply.getRingSlots(),
                        "share_before", reply.getParentShareBefore(), "share_after", reply.getParentShareAfter(),
                        "new_shard_share", reply.getChildShare()));
                return ExitCodes.OK;
            }
        } else {
            out().printf("split of shard %d: shard %d takes %d of the ring's %d slots; shard %d holds %.2f%% of the "
                            + "hash space, then %.2f%%, shard %d %.2f%%%n", shard, reply.getChildShardId(),
                    reply.getMovingSlots(), reply.getRingSlots(), shard, 100 * reply.getParentShareBefore(),
                    100 * reply.getParentShareAfter(), reply.getChildShardId(), 100 * reply.getChildShare());
            if (dryRun) {
                out().println("dry run: nothing changed");
                return ExitCodes.OK;
            }
        }
        return super.run(pd);
    }

    @Override
    AdminReply submit(PdClient pd) {
        return AdminReply.newBuilder().addAllOperators(reply.getOperatorsList()).build();
    }

    @Override
    CommandSpec spec() {
        return spec;
    }
}
