package io.ringcache.node.adapter.raft;

import io.ringcache.node.core.LocalShards;
import io.ringcache.node.core.LocalShardsContract;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The Ratis adapter of {@link LocalShards} passes the port's contract on a real single-replica host. */
class RatisLocalShardsIT extends LocalShardsContract {

    private Path dir;
    private ShardGroupHost host;
    private GroupCommitWriter writer;
    private RatisLocalShards shards;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("ratis-local-shards");
        host = new ShardGroupHost("solo", RatisTuning.defaults(dir.toFile()).withPort(0),
                shard -> new HeapShardStore(), ShardLimits.withBudget(8L << 20), System::currentTimeMillis).start();
        host.addShard(LED, List.of(new ShardGroupHost.Replica("solo", host.raftAddress())));
        Poll.until("a ready leader of shard " + LED, () -> host.isReadyLeader(LED));
        writer = new GroupCommitWriter(host);
        shards = new RatisLocalShards(host, writer);
    }

    @AfterEach
    void stop() throws Exception {
        writer.close();
        host.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @Override
    protected LocalShards shards() {
        return shards;
    }
}
