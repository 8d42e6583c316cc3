package io.ringcache.shard.core;

import io.ringcache.shard.core.Command.BatchDelete;
import io.ringcache.shard.core.Command.BatchPut;
import io.ringcache.shard.core.Command.CompareAndSet;
import io.ringcache.shard.core.Command.Delete;
import io.ringcache.shard.core.Command.Expectation;
import io.ringcache.shard.core.Command.Expire;
import io.ringcache.shard.core.Command.VersionedKey;
import io.ringcache.shard.core.Command.Put;
import io.ringcache.shard.core.Command.Touch;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The binary encoding of shard log entries ({@link CommandBatch}) and of queries ({@link Query}).
 * All integers are little-endian; {@code bytes} is an int32 length followed by that many bytes.
 *
 * <pre>
 * Log entry (a proposal before the leader stamps it has time = 0):
 *   0      1      2        4                  12
 *   +------+------+--------+------------------+----------------------+
 *   | v=1  | 0x01 | count  | time ms (int64)  | count x command      |
 *   +------+------+--------+------------------+----------------------+
 *          kind    uint16
 * Command = opcode (1 byte) + fields:
 *   0x01 PUT          key:bytes value:bytes ttl:int64
 *   0x02 DELETE       key:bytes
 *   0x03 CAS          key:bytes mode:byte [0: version:int64 | 1: value:bytes | 2: -] new:bytes ttl:int64
 *   0x04 TOUCH        key:bytes ttl:int64
 *   0x05 BATCH_PUT    n:int32 then n x (key:bytes value:bytes ttl:int64)
 *   0x06 BATCH_DELETE n:int32 then n x key:bytes
 *   0x07 EXPIRE       n:int32 then n x (key:bytes version:int64)
 *   0x08 TAGGED       clientId:int64 sequence:int64 then one command (not TAGGED, not EXPIRE)
 *   0x09 SET          key:bytes value:bytes ttl:int64 flags:byte
 *                     flags: bit0 absolute expiry, bit1 NX, bit2 XX, bit3 KEEPTTL, bit4 return previous
 *   0x0A INCREMENT    key:bytes delta:int64
 *   0x0B APPEND       key:bytes suffix:bytes
 *   0x0C GET_DELETE   key:bytes
 *   0x0D GET_TOUCH    key:bytes ttl:int64 absolute:byte
 *   0x0E BATCH_PUT_NX n:int32 then n x (key:bytes value:bytes ttl:int64)
 *   0x0F EXPIRE_IF    key:bytes ttl:int64 absolute:byte condition:byte (ExpiryCondition's ordinal)
 *   0x21 EVICT        n:int32 then n x (key:bytes version:int64)
 *   0x20 SPLIT        child:int32 slotBits:byte n:int32 then n x word:int64 (SlotSet) members:bytes
 *   0x22 PREPARE_SPLIT child:int32 slotBits:byte n:int32 then n x word:int64 (SlotSet)
 *
 * Query:
 *   +------+------+--------+-----------------+
 *   | v=1  | 0x02 | opcode | fields          |
 *   +------+------+--------+-----------------+
 *   0x10 GET key:bytes   0x11 BATCH_GET n:int32 then n x key:bytes   0x12 DIGEST
 *   0x13 SCAN after:bytes count:int32
 * </pre>
 *
 * The version byte lets the format evolve: a decoder refuses versions it does not know with
 * {@link MalformedMessageException} instead of guessing.
 */
public final class CommandCodec {

    public static final byte FORMAT_VERSION = 1;
    static final byte KIND_ENTRY = 1;
    static final byte KIND_QUERY = 2;
    /** Offset of the leader's timestamp in an encoded entry. */
    public static final int TIME_OFFSET = 4;
    static final int HEADER_BYTES = 12;

    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte CAS = 3;
    private static final byte TOUCH = 4;
    private static final byte BATCH_PUT = 5;
    private static final byte BATCH_DELETE = 6;
    private static final byte EXPIRE = 7;
    private static final byte TAGGED = 8;
    private static final byte EVICT = 0x21;
    private static final byte SET = 9;
    private static final byte INCREMENT = 0x0A;
    private static final byte APPEND = 0x0B;
    private static final byte GET_DELETE = 0x0C;
    private static final byte GET_TOUCH = 0x0D;
    private static final byte BATCH_PUT_NX = 0x0E;
    private static final byte EXPIRE_IF = 0x0F;
    private static final byte SPLIT = 0x20;
    private static final byte PREPARE_SPLIT = 0x22;
    private static final Command.ExpiryCondition[] EXPIRY_CONDITIONS = Command.ExpiryCondition.values();
    private static final int SET_ABSOLUTE = 1;
    private static final int SET_NX = 2;
    private static final int SET_XX = 4;
    private static final int SET_KEEP_TTL = 8;
    private static final int SET_RETURN_PREVIOUS = 16;
    private static final byte GET = 0x10;
    private static final byte BATCH_GET = 0x11;
    private static final byte DIGEST = 0x12;
    private static final byte SCAN = 0x13;

    private CommandCodec() {
    }

    public static byte[] encode(CommandBatch batch) {
        List<Command> commands = batch.commands();
        if (commands.isEmpty() || commands.size() > 0xFFFF) {
            throw new IllegalArgumentException("an entry holds 1 to 65535 commands, not " + commands.size());
        }
        WireWriter w = new WireWriter(HEADER_BYTES + 64 * commands.size());
        w.writeByte(FORMAT_VERSION).writeByte(KIND_ENTRY).writeShort(commands.size()).writeLong(batch.timeMillis());
        for (Command c : commands) {
            writeCommand(w, c);
        }
        return w.toByteArray();
    }

    /** One command in an unstamped entry of its own: what a client proposes. */
    public static byte[] encode(Command command) {
        return encode(new CommandBatch(0, List.of(command)));
    }

    public static CommandBatch decodeEntry(byte[] bytes) {
        return decodeEntry(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    public static CommandBatch decodeEntry(DirectBuffer buffer, int offset, int length) {
        WireReader r = new WireReader(buffer, offset, length);
        expectHeader(r, KIND_ENTRY);
        int count = r.readUnsignedShort();
        if (count == 0) {
            throw new MalformedMessageException("entry with no commands");
        }
        long time = r.readLong();
        List<Command> commands = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            commands.add(readCommand(r));
        }
        r.expectEnd();
        return new CommandBatch(time, commands);
    }

    /**
     * Checks that {@code bytes} is a well-formed entry and returns a copy stamped with
     * {@code timeMillis}: the leader's rewrite of a proposal before it is appended to the log.
     */
    public static byte[] stamp(DirectBuffer proposal, int offset, int length, long timeMillis) {
        validateEntry(proposal, offset, length);
        byte[] out = new byte[length];
        proposal.getBytes(offset, out);
        new UnsafeBuffer(out).putLong(TIME_OFFSET, timeMillis, ByteOrder.LITTLE_ENDIAN);
        return out;
    }

    public static byte[] encode(Query query) {
        WireWriter w = new WireWriter(64);
        w.writeByte(FORMAT_VERSION).writeByte(KIND_QUERY);
        if (query instanceof Query.Get g) {
            w.writeByte(GET).writeBytes(g.key());
        } else if (query instanceof Query.BatchGet b) {
            w.writeByte(BATCH_GET).writeInt(b.keys().size());
            for (byte[] k : b.keys()) {
                w.writeBytes(k);
            }
        } else if (query instanceof Query.Scan sc) {
            w.writeByte(SCAN).writeBytes(sc.after()).writeInt(sc.count());
        } else {
            w.writeByte(DIGEST);
        }
        return w.toByteArray();
    }

    /**
     * Checks that the bytes are a well-formed entry, as {@link #decodeEntry} would, without
     * materializing any command: the leader's check on the proposal path.
     *
     * @throws MalformedMessageException when they are not
     */
    public static void validateEntry(DirectBuffer buffer, int offset, int length) {
        WireReader r = new WireReader(buffer, offset, length);
        expectHeader(r, KIND_ENTRY);
        int count = r.readUnsignedShort();
        if (count == 0) {
            throw new MalformedMessageException("entry with no commands");
        }
        r.readLong();
        for (int i = 0; i < count; i++) {
            skipCommand(r);
        }
        r.expectEnd();
    }

    private static void skipCommand(WireReader r) {
        byte op = r.readByte();
        if (op == TAGGED) {
            if (r.readLong() == 0) {
                throw new MalformedMessageException("client id 0 means untagged");
            }
            r.readLong();
            byte inner = r.peekByte();
            if (inner == TAGGED || inner == EXPIRE || inner == SPLIT) {
                throw new MalformedMessageException("only client writes are tagged");
            }
            skipCommand(r);
            return;
        }
        switch (op) {
            case PUT -> {
                r.skipBytes();
                r.skipBytes();
                r.readLong();
            }
            case DELETE -> r.skipBytes();
            case CAS -> {
                r.skipBytes();
                byte mode = r.readByte();
                switch (mode) {
                    case 0 -> r.readLong();
                    case 1 -> r.skipBytes();
                    case 2 -> { }
                    default -> throw new MalformedMessageException("unknown compare-and-set mode " + mode);
                }
                r.skipBytes();
                r.readLong();
            }
            case TOUCH, INCREMENT -> {
                r.skipBytes();
                r.readLong();
            }
            case SET -> readSet(r);
            case APPEND -> {
                r.skipBytes();
                r.skipBytes();
            }
            case GET_DELETE -> r.skipBytes();
            case GET_TOUCH -> {
                r.skipBytes();
                r.readLong();
                r.readByte();
            }
            case EXPIRE_IF -> readExpireIf(r);
            case BATCH_PUT, BATCH_PUT_NX -> {
                int n = r.readCount(16);
                for (int i = 0; i < n; i++) {
                    r.skipBytes();
                    r.skipBytes();
                    r.readLong();
                }
            }
            case BATCH_DELETE -> {
                int n = r.readCount(4);
                for (int i = 0; i < n; i++) {
                    r.skipBytes();
                }
            }
            case EXPIRE, EVICT -> {
                int n = r.readCount(12);
                for (int i = 0; i < n; i++) {
                    r.skipBytes();
                    r.readLong();
                }
            }
            case SPLIT -> readSplit(r);
            case PREPARE_SPLIT -> readPrepareSplit(r);
            default -> throw new MalformedMessageException("unknown command opcode " + op);
        }
    }

    public static Query decodeQuery(DirectBuffer buffer, int offset, int length) {
        WireReader r = new WireReader(buffer, offset, length);
        expectHeader(r, KIND_QUERY);
        byte op = r.readByte();
        Query q = switch (op) {
            case GET -> new Query.Get(r.readBytes());
            case BATCH_GET -> {
                int n = r.readCount(4);
                List<byte[]> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add(r.readBytes());
                }
                yield new Query.BatchGet(keys);
            }
            case DIGEST -> new Query.Digest();
            case SCAN -> {
                byte[] after = r.readBytes();
                int count = r.readInt();
                if (count < 1) {
                    throw new MalformedMessageException("a scan step of " + count + " keys");
                }
                yield new Query.Scan(after, count);
            }
            default -> throw new MalformedMessageException("unknown query opcode " + op);
        };
        r.expectEnd();
        return q;
    }

    public static Query decodeQuery(byte[] bytes) {
        return decodeQuery(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static void expectHeader(WireReader r, byte kind) {
        byte version = r.readByte();
        if (version != FORMAT_VERSION) {
            throw new MalformedMessageException("unknown format version " + version + " (this node reads " + FORMAT_VERSION + ")");
        }
        byte k = r.readByte();
        if (k != kind) {
            throw new MalformedMessageException("expected message kind " + kind + ", got " + k);
        }
    }

    private static void writeCommand(WireWriter w, Command c) {
        if (c instanceof Put p) {
            w.writeByte(PUT).writeBytes(p.key()).writeBytes(p.value()).writeLong(p.ttlMillis());
        } else if (c instanceof Delete d) {
            w.writeByte(DELETE).writeBytes(d.key());
        } else if (c instanceof CompareAndSet cas) {
            w.writeByte(CAS).writeBytes(cas.key());
            if (cas.expected() instanceof Expectation.Version v) {
                w.writeByte(0).writeLong(v.version());
            } else if (cas.expected() instanceof Expectation.Value v) {
                w.writeByte(1).writeBytes(v.value());
            } else {
                w.writeByte(2);
            }
            w.writeBytes(cas.newValue()).writeLong(cas.ttlMillis());
        } else if (c instanceof Touch t) {
            w.writeByte(TOUCH).writeBytes(t.key()).writeLong(t.ttlMillis());
        } else if (c instanceof Command.Set x) {
            int flags = (x.absoluteExpiry() ? SET_ABSOLUTE : 0) | (x.keepTtl() ? SET_KEEP_TTL : 0)
                    | (x.returnPrevious() ? SET_RETURN_PREVIOUS : 0)
                    | (x.condition() == Command.Condition.IF_ABSENT ? SET_NX : 0)
                    | (x.condition() == Command.Condition.IF_PRESENT ? SET_XX : 0);
            w.writeByte(SET).writeBytes(x.key()).writeBytes(x.value()).writeLong(x.ttlMillis()).writeByte(flags);
        } else if (c instanceof Command.Increment x) {
            w.writeByte(INCREMENT).writeBytes(x.key()).writeLong(x.delta());
        } else if (c instanceof Command.Append x) {
            w.writeByte(APPEND).writeBytes(x.key()).writeBytes(x.suffix());
        } else if (c instanceof Command.GetAndDelete x) {
            w.writeByte(GET_DELETE).writeBytes(x.key());
        } else if (c instanceof Command.ExpireIf x) {
            w.writeByte(EXPIRE_IF).writeBytes(x.key()).writeLong(x.ttlMillis()).writeBoolean(x.absoluteExpiry())
                    .writeByte(x.condition().ordinal());
        } else if (c instanceof Command.GetAndTouch x) {
            w.writeByte(GET_TOUCH).writeBytes(x.key()).writeLong(x.ttlMillis()).writeBoolean(x.absoluteExpiry());
        } else if (c instanceof BatchPut b) {
            writePuts(w.writeByte(BATCH_PUT), b.puts());
        } else if (c instanceof Command.BatchPutIfAbsent b) {
            writePuts(w.writeByte(BATCH_PUT_NX), b.puts());
        } else if (c instanceof BatchDelete b) {
            w.writeByte(BATCH_DELETE).writeInt(b.keys().size());
            for (byte[] k : b.keys()) {
                w.writeBytes(k);
            }
        } else if (c instanceof Command.Tagged t) {
            w.writeByte(TAGGED).writeLong(t.clientId()).writeLong(t.sequence());
            writeCommand(w, t.command());
        } else if (c instanceof Command.Split x) {
            writeSlots(w.writeByte(SPLIT).writeInt(x.childShard()), x.slots());
            w.writeBytes(x.childMembers());
        } else if (c instanceof Command.PrepareSplit x) {
            writeSlots(w.writeByte(PREPARE_SPLIT).writeInt(x.childShard()), x.slots());
        } else if (c instanceof Expire e) {
            writeVersionedKeys(w.writeByte(EXPIRE), e.keys());
        } else if (c instanceof Command.Evict e) {
            writeVersionedKeys(w.writeByte(EVICT), e.keys());
        } else {
            throw new IllegalArgumentException("unknown command " + c);
        }
    }

    private static Command readCommand(WireReader r) {
        byte op = r.readByte();
        if (op == TAGGED) {
            long client = r.readLong();
            long sequence = r.readLong();
            Command inner = readCommand(r);
            try {
                return new Command.Tagged(client, sequence, inner);
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(e.getMessage());
            }
        }
        return switch (op) {
            case PUT -> new Put(r.readBytes(), r.readBytes(), r.readLong());
            case DELETE -> new Delete(r.readBytes());
            case CAS -> {
                byte[] key = r.readBytes();
                byte mode = r.readByte();
                Expectation expected = switch (mode) {
                    case 0 -> new Expectation.Version(r.readLong());
                    case 1 -> new Expectation.Value(r.readBytes());
                    case 2 -> new Expectation.Absent();
                    default -> throw new MalformedMessageException("unknown compare-and-set mode " + mode);
                };
                yield new CompareAndSet(key, expected, r.readBytes(), r.readLong());
            }
            case TOUCH -> new Touch(r.readBytes(), r.readLong());
            case SET -> readSet(r);
            case INCREMENT -> new Command.Increment(r.readBytes(), r.readLong());
            case APPEND -> new Command.Append(r.readBytes(), r.readBytes());
            case GET_DELETE -> new Command.GetAndDelete(r.readBytes());
            case GET_TOUCH -> new Command.GetAndTouch(r.readBytes(), r.readLong(), r.readBoolean());
            case EXPIRE_IF -> readExpireIf(r);
            case BATCH_PUT -> new BatchPut(readPuts(r));
            case BATCH_PUT_NX -> new Command.BatchPutIfAbsent(readPuts(r));
            case BATCH_DELETE -> {
                int n = r.readCount(4);
                List<byte[]> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add(r.readBytes());
                }
                yield new BatchDelete(keys);
            }
            case EXPIRE -> new Expire(readVersionedKeys(r));
            case EVICT -> new Command.Evict(readVersionedKeys(r));
            case SPLIT -> readSplit(r);
            case PREPARE_SPLIT -> readPrepareSplit(r);
            default -> throw new MalformedMessageException("unknown command opcode " + op);
        };
    }

    private static void writeVersionedKeys(WireWriter w, List<VersionedKey> keys) {
        w.writeInt(keys.size());
        for (VersionedKey k : keys) {
            w.writeBytes(k.key()).writeLong(k.version());
        }
    }

    private static List<VersionedKey> readVersionedKeys(WireReader r) {
        int n = r.readCount(12);
        List<VersionedKey> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(new VersionedKey(r.readBytes(), r.readLong()));
        }
        return keys;
    }

    private static Command.Split readSplit(WireReader r) {
        int child = r.readInt();
        SlotSet slots = readSlots(r);
        byte[] members = r.readBytes();
        try {
            return new Command.Split(child, slots, members);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid split: " + e.getMessage());
        }
    }

    private static Command.PrepareSplit readPrepareSplit(WireReader r) {
        int child = r.readInt();
        SlotSet slots = readSlots(r);
        try {
            return new Command.PrepareSplit(child, slots);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid split: " + e.getMessage());
        }
    }

    private static void writeSlots(WireWriter w, SlotSet slots) {
        long[] words = slots.words();
        w.writeByte(slots.bits()).writeInt(words.length);
        for (long word : words) {
            w.writeLong(word);
        }
    }

    private static SlotSet readSlots(WireReader r) {
        int bits = r.readByte();
        int n = r.readCount(8);
        long[] words = new long[n];
        for (int i = 0; i < n; i++) {
            words[i] = r.readLong();
        }
        try {
            return SlotSet.fromWords(bits, words);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid split: " + e.getMessage());
        }
    }

    private static Command.Set readSet(WireReader r) {
        byte[] key = r.readBytes();
        byte[] value = r.readBytes();
        long ttl = r.readLong();
        int flags = r.readByte() & 0xFF;
        if ((flags & ~(SET_ABSOLUTE | SET_NX | SET_XX | SET_KEEP_TTL | SET_RETURN_PREVIOUS)) != 0
                || (flags & (SET_NX | SET_XX)) == (SET_NX | SET_XX)) {
            throw new MalformedMessageException("invalid SET flags " + flags);
        }
        Command.Condition condition = (flags & SET_NX) != 0 ? Command.Condition.IF_ABSENT
                : (flags & SET_XX) != 0 ? Command.Condition.IF_PRESENT : Command.Condition.ALWAYS;
        return new Command.Set(key, value, ttl, (flags & SET_ABSOLUTE) != 0, condition,
                (flags & SET_KEEP_TTL) != 0, (flags & SET_RETURN_PREVIOUS) != 0);
    }

    private static void writePuts(WireWriter w, List<Put> puts) {
        w.writeInt(puts.size());
        for (Put p : puts) {
            w.writeBytes(p.key()).writeBytes(p.value()).writeLong(p.ttlMillis());
        }
    }

    private static List<Put> readPuts(WireReader r) {
        int n = r.readCount(16);
        List<Put> puts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            puts.add(new Put(r.readBytes(), r.readBytes(), r.readLong()));
        }
        return puts;
    }

    private static Command.ExpireIf readExpireIf(WireReader r) {
        byte[] key = r.readBytes();
        long ttl = r.readLong();
        boolean absolute = r.readBoolean();
        int condition = r.readByte();
        if (condition < 0 || condition >= EXPIRY_CONDITIONS.length) {
            throw new MalformedMessageException("unknown expiry condition " + condition);
        }
        return new Command.ExpireIf(key, ttl, absolute, EXPIRY_CONDITIONS[condition]);
    }
}
