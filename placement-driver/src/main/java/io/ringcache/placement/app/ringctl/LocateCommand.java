package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.ShardPlacement;
import io.ringcache.proto.v1.Store;
import io.ringcache.routing.HashRing;
import io.ringcache.routing.KeyHash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "locate", mixinStandardHelpOptions = true,
        description = "Which shard owns KEY (XXH64 of its bytes on the map's ring), its replicas and leader. "
                + "Works on any PD member.")
final class LocateCommand extends PdCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key, as UTF-8 text (or hex with --hex).")
    String key;

    @Option(names = "--hex", description = "KEY is hexadecimal bytes, e.g. 75736572.")
    boolean hex;

    @Override
    int run(PdClient pd) {
        byte[] bytes;
        if (hex) {
            try {
                bytes = HexFormat.of().parseHex(key);
            } catch (IllegalArgumentException e) {
                throw new RingctlException(ExitCodes.USAGE, "KEY is not hexadecimal: " + key);
            }
        } else {
            bytes = key.getBytes(StandardCharsets.UTF_8);
        }
        PartitionMap map = pd.partitionMap().getMap();
        HashRing ring = Rings.of(map);
        if (ring == null) {
            throw RingctlException.refused("the partition map (epoch " + map.getEpoch() + ") has no ring yet");
        }
        long hash = KeyHash.of(bytes);
        int shard = ring.shardForHash(hash);
        ShardPlacement p = map.getShardsList().stream().filter(s -> s.getShardId() == shard).findFirst()
                .orElseThrow(() -> RingctlException.refused("shard " + Integer.toUnsignedString(shard)
                        + " owns the key on the ring but is not in the map (epoch " + map.getEpoch() + ")"));
        String leaderAddress = map.getStoresList().stream().filter(s -> s.getId().equals(p.getLeader()))
                .map(Store::getGrpcAddress).findFirst().orElse("");
        String hashHex = String.format("0x%016x", hash);
        if (json()) {
            printJson(Json.obj("key", key, "hash", hashHex, "shard", Integer.toUnsignedLong(shard),
                    "voters", p.getReplicasList(), "learners", p.getLearnersList(), "leader", p.getLeader(),
                    "leader_address", leaderAddress, "epoch", map.getEpoch()));
            return ExitCodes.OK;
        }
        Table t = new Table().col("").col("");
        t.row("key", key);
        t.row("hash", hashHex);
        t.row("shard", Integer.toUnsignedString(shard));
        t.row("leader", p.getLeader().isEmpty() ? "-" : p.getLeader() + (leaderAddress.isEmpty() ? "" : " (" + leaderAddress + ")"));
        t.row("voters", Fmt.list(p.getReplicasList()));
        t.row("learners", Fmt.list(p.getLearnersList()));
        t.row("epoch", map.getEpoch());
        t.printRows(out());
        return ExitCodes.OK;
    }
}
