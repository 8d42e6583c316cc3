package io.ringcache.placement.app.ringctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringcache.proto.v1.StoreState;
import io.ringcache.proto.v1.StoreStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The most read keys, asked of every store that is up ({@code GET /v1/hotkeys} on its HTTP port):
 * each shard's figures come from its leader, which serves the linearizable reads. The stores
 * count over a sample of their reads with halving every few seconds, so the figures are recent
 * estimates (raft-groups' {@code HotKeys}).
 */
@Command(name = "hot", mixinStandardHelpOptions = true,
        description = "The most read keys, hottest first (up to --limit per shard), from each shard's leader: "
                + "estimated recent reads and the estimate's error. Asks every store that is up over HTTP.")
final class HotCommand extends PdCommand {

    @Option(names = "--shard", paramLabel = "N", description = "Only this shard.")
    Integer shard;

    @Option(names = "--limit", paramLabel = "K", defaultValue = "10", description = "Keys per shard, 1-64 (default: ${DEFAULT-VALUE}).")
    int limit;

    private record Row(int shard, String store, String key, long reads, long error) {
    }

    /** A key as text when it is UTF-8 without control characters, else as 0x and hex (as {@code locate --hex} takes it). */
    static String shown(String base64) {
        byte[] key = java.util.Base64.getDecoder().decode(base64);
        try {
            String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(key)).toString();
            if (text.chars().noneMatch(Character::isISOControl)) {
                return text;
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // not text: hex below
        }
        return "0x" + java.util.HexFormat.of().formatHex(key);
    }

    @Override
    int run(PdClient pd) throws Exception {
        if (limit < 1 || limit > 64) {
            throw new RingctlException(ExitCodes.USAGE, "--limit must be between 1 and 64, not " + limit);
        }
        if (shard != null && shard < 0) {
            throw new RingctlException(ExitCodes.USAGE, "--shard must not be negative: " + shard);
        }
        HttpClient http = root.httpClient();
        ObjectMapper mapper = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        for (StoreStatus s : pd.status().getStoresList()) {
            if (s.getStore().getState() != StoreState.STORE_STATE_UP || s.getStore().getHttpAddress().isEmpty()) {
                continue;
            }
            String id = s.getStore().getId();
            String url = root.httpScheme() + "://" + s.getStore().getHttpAddress() + "/v1/hotkeys?limit=" + limit
                    + (shard == null ? "" : "&shard=" + shard);
            JsonNode body;
            try {
                HttpResponse<String> r = http.send(signedIn(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET()).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    unreachable.add(id + " (HTTP " + r.statusCode() + ")");
                    continue;
                }
                body = mapper.readTree(r.body());
            } catch (IOException e) {
                unreachable.add(id + " (" + e.getMessage() + ")");
                continue;
            }
            for (JsonNode sh : body.path("shards")) {
                if (!sh.path("leader").asBoolean()) {
                    continue;
                }
                for (JsonNode k : sh.path("keys")) {
                    rows.add(new Row(sh.path("shard").asInt(), id, shown(k.path("key_base64").asText()),
                            k.path("reads").asLong(), k.path("error").asLong()));
                }
            }
        }
        // The hottest first, whatever their shard: what an operator looks for.
        rows.sort(Comparator.comparingLong(Row::reads).reversed().thenComparingInt(Row::shard));
        if (json()) {
            List<Object> out = new ArrayList<>();
            for (Row r : rows) {
                out.add(Json.obj("shard", r.shard(), "leader", r.store(), "key", r.key(), "reads", r.reads(), "error", r.error()));
            }
            printJson(Json.obj("keys", out, "unreachable", unreachable));
        } else {
            Table t = new Table().num("SHARD").col("LEADER").col("KEY").num("READS").num("ERROR");
            for (Row r : rows) {
                t.row(r.shard(), r.store(), r.key(), r.reads(), r.error());
            }
            if (t.isEmpty()) {
                out().println("no reads counted yet" + (shard == null ? "" : " on shard " + shard));
            } else {
                t.print(out());
            }
            for (String u : unreachable) {
                out().println("not asked: " + u);
            }
        }
        return unreachable.isEmpty() ? ExitCodes.OK : ExitCodes.UNREACHABLE;
    }

    /** The request with the caller's credentials, when ringctl was given any (stores check them as the PD does). */
    private HttpRequest.Builder signedIn(HttpRequest.Builder b) {
        String authorization = root.authorization();
        return authorization == null ? b : b.header("Authorization", authorization);
    }
}
