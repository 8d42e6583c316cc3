package io.ringcache.chaos.adapter.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency nemesis on real namespaces: the packet holder builds, holds the packets between a
 * node and its peers both ways (a round trip to the node takes at least twice the delay), reports
 * what it held when healed, and leaves no rule and no process behind. Needs root, ip and iptables
 * (skipped, saying so, otherwise), a C compiler and libnetfilter-queue-dev (.ci/run installs them).
 * Only lower bounds on time are checked: a delay cannot make a round trip faster.
 */
class NetnsDelayIT {

    private static final int PORT = 7411;

    @TempDir
    Path tmp;

    private final String prefix = "rcdq" + ProcessHandle.current().pid();
    private final String client = prefix + "-client";
    private NetnsNetwork net;
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void network() throws Exception {
        assumeTrue(NetnsNetwork.available(), "needs root with ip, iptables and tc: the latency nemesis was not tested");
        Commands.run("ip", "netns", "add", client);
        net = NetnsNetwork.create(prefix, 3, client);
    }

    @AfterEach
    void cleanUp() {
        started.forEach(Process::destroyForcibly);
        if (net != null) {
            net.close();
        }
        Commands.quietly("ip", "netns", "del", client);
    }

    @Test
    void aDelayedNodesRoundTripsTakeTwiceTheDelayAndHealingLeavesNothingBehind() throws Exception {
        Path program = DelayQueue.build(tmp.resolve("tools"), "gcc");
        Process server = java(net.namespace(1), "serve", Integer.toString(PORT));
        BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("listening", serverOut.readLine());

        net.delay(1, 100, 0, 42, program);
        long delayed = fastestRoundTrip();
        assertTrue(delayed >= 195, "n2 -> n1 round trip with 100 ms each way at n1: " + delayed + " ms");
        assertTrue(rules(1).contains("NFQUEUE"), rules(1));

        String report = net.heal();
        assertTrue(report.startsWith("n1: ") && report.contains("packets passed"), report);
        assertFalse(rules(1).contains("NFQUEUE"), rules(1));
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(program.toString())),
                "the packet holder stopped");
        fastestRoundTrip(); // the link still carries traffic once healed
    }

    private long fastestRoundTrip() throws Exception {
        Process p = java(net.namespace(2), "measure", net.address(1), Integer.toString(PORT), "10");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the round trips finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.exitValue(), out);
        return Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private String rules(int node) throws Exception {
        return Commands.run(Commands.in(net.namespace(node), "iptables", "-w", "-S"));
    }

    private Process java(String namespace, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Commands.in(namespace,
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                RoundTrips.class.getName())));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }
}
