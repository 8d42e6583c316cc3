package io.ringcache.node.adapter.resp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A reply in RESP's terms; {@link RespWriter} writes it as RESP2 or RESP3. */
sealed interface RespReply {

    RespReply OK = new Simple("OK");
    RespReply NULL = new Null();

    /** {@code +text}. */
    record Simple(String text) implements RespReply {
    }

    /** {@code -CODE message}: the text after the dash, code included. */
    record Error(String text) implements RespReply {
    }

    /** {@code :n}. */
    record Int(long value) implements RespReply {
    }

    /** {@code $len bytes}. */
    record Bulk(byte[] bytes) implements RespReply {
    }

    /** {@code *n} then the elements. */
    record Array(List<RespReply> elements) implements RespReply {
    }

    /** RESP3 {@code %n} key/value pairs; RESP2 writes it as a flat array. */
    record MapReply(Map<RespReply, RespReply> entries) implements RespReply {
    }

    /** RESP3 {@code _}; RESP2 writes a null bulk string. */
    record Null() implements RespReply {
    }

    static RespReply bulk(String s) {
        return new Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    static RespReply error(String text) {
        return new Error(text);
    }

    static RespReply bulkOrNull(byte[] bytes) {
        return bytes == null ? NULL : new Bulk(bytes);
    }
}
