package io.ringcache.placement.core;

import java.util.ArrayList;
import java.util.List;

/**
 * One member of the PD group.
 *
 * @param id          stable member id (pd1, pd-0, ...)
 * @param raftAddress host:port of its Raft transport
 * @param grpcAddress host:port of its gRPC API (clients, stores and ringctl)
 */
public record PdMember(String id, String raftAddress, String grpcAddress) {

    public PdMember {
        if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("bad placement driver member id '" + id + "'");
        }
    }

    /**
     * Parses {@code id=RAFT_HOST:PORT/GRPC_HOST:PORT,...}, e.g.
     * {@code pd1=127.0.0.1:7001/127.0.0.1:9091,pd2=127.0.0.1:7002/127.0.0.1:9092}.
     */
    public static List<PdMember> parseList(String spec) {
        List<PdMember> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            int slash = p.indexOf('/');
            if (eq < 1 || slash < eq + 2 || slash == p.length() - 1) {
                throw new IllegalArgumentException("bad member '" + p + "': expected ID=RAFT_HOST:PORT/GRPC_HOST:PORT");
            }
            out.add(new PdMember(p.substring(0, eq), hostPort(p.substring(eq + 1, slash)), hostPort(p.substring(slash + 1))));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no placement driver members in '" + spec + "'");
        }
        if (out.stream().map(PdMember::id).distinct().count() != out.size()) {
            throw new IllegalArgumentException("member ids repeat in '" + spec + "'");
        }
        return out;
    }

    private static String hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon < 1 || colon == s.length() - 1) {
            throw new IllegalArgumentException("bad address '" + s + "': expected HOST:PORT");
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in '" + s + "'");
        }
        return s;
    }
}
