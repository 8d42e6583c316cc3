package io.ringcache.e2e;

import io.ringcache.client.CasResult;
import io.ringcache.client.ReadOptions;
import io.ringcache.client.RingcacheClient;
import io.ringcache.client.Versioned;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The README's SDK example, compiled and run by {@link SdkProcessIT} so it cannot rot. */
public final class ReadmeExample {

    public static void main(String[] args) {
        String pd = args.length > 0 ? args[0] : "127.0.0.1:9090";
        try (RingcacheClient client = RingcacheClient.builder().placementDriver(pd).build()) {
            long version = client.put("greeting", "hello", Duration.ofMinutes(10));
            Optional<Versioned> v = client.get("greeting");
            System.out.println(v.orElseThrow().asString() + " @ version " + version);

            CasResult cas = client.compareAndSet("greeting", version, "hello again");
            System.out.println("compare-and-set " + (cas.succeeded() ? "won" : "lost"));

            client.putAllStrings(Map.of("a", "1", "b", "2", "c", "3"), Duration.ZERO);
            System.out.println(client.getAllStrings(List.of("a", "b", "c")));

            // A hot key can be read from any replica (linearizable) or, cheaper still, slightly stale.
            client.get("a", ReadOptions.follower());
            client.get("a", ReadOptions.stale(Duration.ofMillis(500)));
        }
    }
}
