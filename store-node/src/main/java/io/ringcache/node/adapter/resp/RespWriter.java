package io.ringcache.node.adapter.resp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes replies in RESP2 or RESP3. Hand-written (about sixty lines): Netty's redis codec, used
 * here to parse commands, encodes RESP2 messages only and has no RESP3 maps or nulls.
 *
 * <pre>
 *   simple   +OK\r\n              error  -ERR text\r\n        integer :42\r\n
 *   bulk     $5\r\nhello\r\n      array  *2\r\n(elements)
 *   RESP3:   map %2\r\n(k v k v)  null   _\r\n
 *   RESP2:   map as *4\r\n(k v k v), null as $-1\r\n
 * </pre>
 */
final class RespWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private RespWriter() {
    }

    static void write(ByteBuf out, RespReply reply, int protocol) {
        if (reply instanceof RespReply.Simple s) {
            line(out, '+', s.text());
        } else if (reply instanceof RespReply.Error e) {
            line(out, '-', e.text());
        } else if (reply instanceof RespReply.Int i) {
            line(out, ':', Long.toString(i.value()));
        } else if (reply instanceof RespReply.Bulk b) {
            line(out, '$', Integer.toString(b.bytes().length));
            out.writeBytes(b.bytes()).writeBytes(CRLF);
        } else if (reply instanceof RespReply.Array a) {
            line(out, '*', Integer.toString(a.elements().size()));
            for (RespReply element : a.elements()) {
                write(out, element, protocol);
            }
        } else if (reply instanceof RespReply.MapReply m) {
            line(out, protocol >= 3 ? '%' : '*', Integer.toString(protocol >= 3 ? m.entries().size() : 2 * m.entries().size()));
            for (Map.Entry<RespReply, RespReply> e : m.entries().entrySet()) {
                write(out, e.getKey(), protocol);
                write(out, e.getValue(), protocol);
            }
        } else {
            out.writeBytes(protocol >= 3 ? new byte[] {'_', '\r', '\n'} : new byte[] {'$', '-', '1', '\r', '\n'});
        }
    }

    private static void line(ByteBuf out, char type, String text) {
        out.writeByte(type);
        // Simple strings and errors never carry CR or LF: they would end the line early.
        out.writeCharSequence(text.indexOf('\r') < 0 && text.indexOf('\n') < 0 ? text
                : text.replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
        out.writeBytes(CRLF);
    }
}
