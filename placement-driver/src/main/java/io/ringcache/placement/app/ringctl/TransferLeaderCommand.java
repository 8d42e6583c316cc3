package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "transfer-leader", mixinStandardHelpOptions = true,
        description = "Transfers SHARD's leadership to store TO (which must hold a voter) and prints the operator.")
final class TransferLeaderCommand extends OperatorCommand {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHARD", description = "The shard id.")
    int shard;

    @Parameters(index = "1", paramLabel = "TO", description = "The store that should lead it.")
    String to;

    @Override
    AdminReply submit(PdClient pd) {
        checkShard(shard);
        return pd.transferLeader(shard, to);
    }

    @Override
    CommandSpec spec() {
        return spec;
    }
}
