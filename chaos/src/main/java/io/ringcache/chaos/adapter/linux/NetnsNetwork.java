package io.ringcache.chaos.adapter.linux;

import io.ringcache.chaos.core.Fault;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fault suite's network: each node in its own Linux network namespace, all joined by a bridge
 * that lives in a hub namespace of its own, plus the namespace the clients (and this process) run
 * in. Nothing touches the host's namespace: traffic stays inside these namespaces.
 *
 * <pre>
 *   ns {prefix}-n1  eth0 10.77.0.1 ──┐
 *   ns {prefix}-n2  eth0 10.77.0.2 ──┼── br0 in ns {prefix}-hub (ports h1..hN, hc)
 *   ns {prefix}-n3  eth0 10.77.0.3 ──┤
 *   client ns       eth0 10.77.0.100 ┘
 * </pre>
 *
 * Faults act inside a node's namespace, so they touch only that node: a partition drops packets
 * from the blocked peers in the receiving node's INPUT chain (iptables), loss drops a random share
 * of its arriving packets, a slow link puts a token-bucket filter on its eth0, and latency hands
 * its packets to and from its peers to a {@link DelayQueue} (NFQUEUE), which holds each for a
 * random delay and so also reorders them. The client's link is never cut: faults are between
 * nodes, and clients see a node as healthy or not by what it answers. (This kernel has no netem
 * qdisc, the usual tool for delay and reordering.)
 */
public final class NetnsNetwork implements AutoCloseable {

    private static final String SUBNET = "10.77.0.";
    private static final int CLIENT_HOST = 100;

    private final String prefix;
    private final int nodes;
    private final List<String> made = new ArrayList<>();
    /** The packet holders of latency faults now in force, by node. */
    private final java.util.Map<Integer, DelayQueue> delays = new java.util.TreeMap<>();

    private NetnsNetwork(String prefix, int nodes) {
        this.prefix = prefix;
        this.nodes = nodes;
    }

    /** True when this process may build the network (root, with ip, iptables and tc). */
    public static boolean available() {
        return Commands.canIsolate();
    }

    /**
     * Builds the hub and {@code nodes} node namespaces, and links {@code clientNamespace} (which the
     * caller made, and this process may run in) to the bridge. Anything made is removed by
     * {@link #close}, also when building fails half-way.
     */
    public static NetnsNetwork create(String prefix, int nodes, String clientNamespace) throws IOException {
        NetnsNetwork net = new NetnsNetwork(prefix, nodes);
        try {
            net.build(clientNamespace);
            return net;
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
    }

    private void build(String clientNamespace) throws IOException {
        String hub = prefix + "-hub";
        addNamespace(hub);
        Commands.run("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
        Commands.run("ip", "-n", hub, "link", "set", "br0", "up");
        for (int i = 1; i <= nodes; i++) {
            addNamespace(namespace(i));
            attach(hub, "h" + i, namespace(i), SUBNET + i);
        }
        attach(hub, "hc", clientNamespace, SUBNET + CLIENT_HOST);
    }

    private void addNamespace(String name) throws IOException {
        Commands.run("ip", "netns", "add", name);
        made.add(name);
        Commands.run("ip", "-n", name, "link", "set", "lo", "up");
    }

    private static void attach(String hub, String port, String namespace, String address) throws IOException {
        Commands.run("ip", "-n", hub, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        Commands.run("ip", "-n", hub, "link", "set", port, "master", "br0", "up");
        Commands.run("ip", "-n", namespace, "addr", "add", address + "/24", "dev", "eth0");
        Commands.run("ip", "-n", namespace, "link", "set", "eth0", "up");
    }

    public String namespace(int node) {
        return prefix + "-n" + node;
    }

    /** The node's address, which its processes bind and advertise. */
    public String address(int node) {
        return SUBNET + node;
    }

    /** Drops every packet along each blocked link, at the receiving node. */
    public void block(Set<Fault.Link> links) throws IOException {
        for (Fault.Link l : links) {
            Commands.run(Commands.in(namespace(l.to()), "iptables", "-w", "-A", "INPUT", "-s", address(l.from()), "-j", "DROP"));
        }
    }

    /** Drops {@code percent}% of the packets arriving at the node, at random. */
    public void loss(int node, int percent) throws IOException {
        Commands.run(Commands.in(namespace(node), "iptables", "-w", "-A", "INPUT", "-m", "statistic", "--mode", "random",
                "--probability", Double.toString(percent / 100.0), "-j", "DROP"));
    }

    /** Throttles the node's outgoing link (token bucket: rate, and a queue of {@code queueMillis}). */
    public void slow(int node, int kbitPerSecond, int queueMillis) throws IOException {
        Commands.run(Commands.in(namespace(node), "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate",
                kbitPerSecond + "kbit", "burst", "16kb", "latency", queueMillis + "ms"));
    }

    /**
     * Holds every packet between {@code node} and its peers, both ways, for {@code delayMillis} +-
     * {@code jitterMillis} ({@code program}: {@link DelayQueue#build}). The rules bypass the queue
     * when its holder is gone, so a crashed holder leaves the links undelayed, never cut.
     */
    public void delay(int node, int delayMillis, int jitterMillis, long seed, java.nio.file.Path program) throws IOException {
        delays.put(node, DelayQueue.start(program, namespace(node), delayMillis, jitterMillis, seed));
        String queue = Integer.toString(DelayQueue.QUEUE);
        for (int peer = 1; peer <= nodes; peer++) {
            if (peer != node) {
                Commands.run(Commands.in(namespace(node), "iptables", "-w", "-A", "OUTPUT", "-o", "eth0", "-d", address(peer),
                        "-j", "NFQUEUE", "--queue-num", queue, "--queue-bypass"));
                Commands.run(Commands.in(namespace(node), "iptables", "-w", "-A", "INPUT", "-i", "eth0", "-s", address(peer),
                        "-j", "NFQUEUE", "--queue-num", queue, "--queue-bypass"));
            }
        }
    }

    /** Removes every network fault from every node; returns what the packet holders reported, if any ran. */
    public String heal() throws IOException {
        for (int i = 1; i <= nodes; i++) {
            Commands.run(Commands.in(namespace(i), "iptables", "-w", "-F", "INPUT"));
            Commands.run(Commands.in(namespace(i), "iptables", "-w", "-F", "OUTPUT"));
            Commands.quietly(Commands.in(namespace(i), "tc", "qdisc", "del", "dev", "eth0", "root"));
        }
        return stopDelays();
    }

    private String stopDelays() {
        StringBuilder report = new StringBuilder();
        for (var held : delays.entrySet()) {
            String words = held.getValue().stop();
            report.append(report.length() == 0 ? "" : "; ").append("n").append(held.getKey()).append(": ").append(words);
        }
        delays.clear();
        return report.toString();
    }

    /** Deletes the namespaces this network made (their veths go with them). */
    @Override
    public void close() {
        stopDelays();
        for (int i = made.size() - 1; i >= 0; i--) {
            Commands.quietly("ip", "netns", "del", made.get(i));
        }
        made.clear();
    }
}
