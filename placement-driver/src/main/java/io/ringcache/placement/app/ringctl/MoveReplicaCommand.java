package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "move-replica", mixinStandardHelpOptions = true,
        description = "Moves SHARD's replica from store FROM to store TO (add a learner on TO, catch up, promote, "
                + "remove FROM) and prints the operator.")
final class MoveReplicaCommand extends OperatorCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHARD", description = "The shard id.")
    int shard;

    @Parameters(index = "1", paramLabel = "FROM", description = "The store that holds the replica now.")
    String from;

    @Parameters(index = "2", paramLabel = "TO", description = "The store that receives it.")
    String to;

    @Override
    AdminReply submit(PdClient pd) {
        checkShard(shard);
        return pd.moveReplica(shard, from, to);
    }

    @Override
    CommandSpec spec() {
        return spec;
    }
}
