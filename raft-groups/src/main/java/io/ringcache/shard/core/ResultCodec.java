package io.ringcache.shard.core;

import io.ringcache.shard.core.CommandResult.Batch;
import io.ringcache.shard.core.CommandResult.CasOutcome;
import io.ringcache.shard.core.CommandResult.Deleted;
import io.ringcache.shard.core.CommandResult.Expired;
import io.ringcache.shard.core.CommandResult.Rejected;
import io.ringcache.shard.core.CommandResult.Touched;
import io.ringcache.shard.core.CommandResult.Written;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The binary encoding of replies: the results of a log entry's commands, and query answers.
 * Little-endian, {@code bytes} = int32 length + bytes, {@code value?} = found:byte then, when
 * found, value:bytes version:int64 expiresAt:int64.
 *
 * <pre>
 * Entry reply:  v=1:byte  n:uint16  n x result
 * Result = tag (1 byte) + fields:
 *   0x01 WRITTEN   version:int64 previous:int64
 *   0x02 DELETED   deleted:byte previous:int64
 *   0x03 CAS       succeeded:byte version:int64 current:value?
 *   0x04 TOUCHED   found:byte
 *   0x05 BATCH     n:int32 then n x result
 *   0x06 EXPIRED   removed:int32
 *   0x07 REJECTED  error:byte message:bytes (UTF-8)
 *   0x08 SET       written:byte version:int64 previous:value?
 *   0x09 COUNTER   value:int64
 *   0x0A LENGTH    length:int64
 *   0x0B VALUE_OF  value:value?
 *   0x0C SPLIT_DONE child:int32 index:int64 movedKeys:int64 alreadyDone:byte
 *   0x0D EVICTED   keys:int32 bytes:int64
 *   0x0E SPLIT_PREPARED child:int32 index:int64
 * Query reply:  v=1:byte  answer
 *   0x10 VALUE     value?
 *   0x11 VALUES    n:int32 then n x value?
 *   0x12 DIGEST    entries:int64 sum:int64 xor:int64 bytesUsed:int64
 *   0x13 KEYS      n:int32 then n x key:bytes, more:byte
 * </pre>
 */
public final class ResultCodec {

    private static final byte WRITTEN = 1;
    private static final byte DELETED = 2;
    private static final byte CAS = 3;
    private static final byte TOUCHED = 4;
    private static final byte BATCH = 5;
    private static final byte EXPIRED = 6;
    private static final byte REJECTED = 7;
    private static final byte SET = 8;
    private static final byte COUNTER = 9;
    private static final byte LENGTH = 0x0A;
    private static final byte VALUE_OF = 0x0B;
    private static final byte SPLIT_DONE = 0x0C;
    private static final byte EVICTED = 0x0D;
    private static final byte SPLIT_PREPARED = 0x0E;
    private static final byte VALUE = 0x10;
    private static final byte VALUES = 0x11;
    private static final byte DIGEST = 0x12;
    private static final byte KEYS = 0x13;

    private static final ShardError[] ERRORS = ShardError.values();

    private ResultCodec() {
    }

    /** A query's answer. */
    public sealed interface Answer {
        /** The live value, or null when absent or expired. */
        record Value(StoredValue value) implements Answer {
        }

        record Values(List<StoredValue> values) implements Answer {
        }

        record Digest(ShardDigest digest, long bytesUsed) implements Answer {
        }

        /** A scan step's keys, in order; {@code more}: keys after the last one may exist. */
        record Keys(List<byte[]> keys, boolean more) implements Answer {
        }
    }

    public static byte[] encodeResults(List<CommandResult> results) {
        WireWriter w = new WireWriter(8 + 24 * results.size());
        w.writeByte(CommandCodec.FORMAT_VERSION).writeShort(results.size());
        for (CommandResult r : results) {
            writeResult(w, r);
        }
        return w.toByteArray();
    }

    public static List<CommandResult> decodeResults(byte[] bytes) {
        return decodeResults(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    public static List<CommandResult> decodeResults(DirectBuffer buffer, int offset, int length) {
        WireReader r = new WireReader(buffer, offset, length);
        expectVersion(r);
        int n = r.readUnsignedShort();
        List<CommandResult> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readResult(r));
        }
        r.expectEnd();
        return out;
    }

    public static byte[] encodeAnswer(Answer answer) {
        WireWriter w = new WireWriter(64);
        w.writeByte(CommandCodec.FORMAT_VERSION);
        if (answer instanceof Answer.Value v) {
            w.writeByte(VALUE);
            writeValue(w, v.value());
        } else if (answer instanceof Answer.Values vs) {
            w.writeByte(VALUES).writeInt(vs.values().size());
            for (StoredValue v : vs.values()) {
                writeValue(w, v);
            }
        } else if (answer instanceof Answer.Keys k) {
            w.writeByte(KEYS).writeInt(k.keys().size());
            for (byte[] key : k.keys()) {
                w.writeBytes(key);
            }
            w.writeBoolean(k.more());
        } else {
            Answer.Digest d = (Answer.Digest) answer;
            w.writeByte(DIGEST).writeLong(d.digest().entries()).writeLong(d.digest().sum())
                    .writeLong(d.digest().xor()).writeLong(d.bytesUsed());
        }
        return w.toByteArray();
    }

    public static Answer decodeAnswer(byte[] bytes) {
        return decodeAnswer(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    public static Answer decodeAnswer(DirectBuffer buffer, int offset, int length) {
        WireReader r = new WireReader(buffer, offset, length);
        expectVersion(r);
        byte tag = r.readByte();
        Answer a = switch (tag) {
            case VALUE -> new Answer.Value(readValue(r));
            case VALUES -> {
                int n = r.readCount(1);
                List<StoredValue> values = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    values.add(readValue(r));
                }
                yield new Answer.Values(values);
            }
            case DIGEST -> new Answer.Digest(new ShardDigest(r.readLong(), r.readLong(), r.readLong()), r.readLong());
            case KEYS -> {
                int n = r.readCount(4);
                List<byte[]> keys = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    keys.add(r.readBytes());
                }
                yield new Answer.Keys(keys, r.readBoolean());
            }
            default -> throw new MalformedMessageException("unknown answer tag " + tag);
        };
        r.expectEnd();
        return a;
    }

    private static void expectVersion(WireReader r) {
        byte v = r.readByte();
        if (v != CommandCodec.FORMAT_VERSION) {
            throw new MalformedMessageException("unknown reply format version " + v);
        }
    }

    private static void writeResult(WireWriter w, CommandResult result) {
        if (result instanceof Written x) {
            w.writeByte(WRITTEN).writeLong(x.version()).writeLong(x.previousVersion());
        } else if (result instanceof Deleted x) {
            w.writeByte(DELETED).writeBoolean(x.deleted()).writeLong(x.previousVersion());
        } else if (result instanceof CasOutcome x) {
            w.writeByte(CAS).writeBoolean(x.succeeded()).writeLong(x.version());
            writeValue(w, x.current());
        } else if (result instanceof Touched x) {
            w.writeByte(TOUCHED).writeBoolean(x.found());
        } else if (result instanceof CommandResult.SetOutcome x) {
            w.writeByte(SET).writeBoolean(x.written()).writeLong(x.version());
            writeValue(w, x.previous());
        } else if (result instanceof CommandResult.Counter x) {
            w.writeByte(COUNTER).writeLong(x.value());
        } else if (result instanceof CommandResult.Length x) {
            w.writeByte(LENGTH).writeLong(x.length());
        } else if (result instanceof CommandResult.ValueOf x) {
            w.writeByte(VALUE_OF);
            writeValue(w, x.value());
        } else if (result instanceof Batch x) {
            w.writeByte(BATCH).writeInt(x.results().size());
            for (CommandResult r : x.results()) {
                writeResult(w, r);
            }
        } else if (result instanceof Expired x) {
            w.writeByte(EXPIRED).writeInt(x.removed());
        } else if (result instanceof CommandResult.Evicted x) {
            w.writeByte(EVICTED).writeInt(x.keys()).writeLong(x.bytes());
        } else if (result instanceof CommandResult.SplitDone x) {
            w.writeByte(SPLIT_DONE).writeInt(x.childShard()).writeLong(x.index()).writeLong(x.movedKeys())
                    .writeBoolean(x.alreadyDone());
        } else if (result instanceof CommandResult.SplitPrepared x) {
            w.writeByte(SPLIT_PREPARED).writeInt(x.childShard()).writeLong(x.index());
        } else if (result instanceof Rejected x) {
            w.writeByte(REJECTED).writeByte(x.error().ordinal())
                    .writeBytes(x.message().getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("unknown result " + result);
        }
    }

    private static CommandResult readResult(WireReader r) {
        byte tag = r.readByte();
        return switch (tag) {
            case WRITTEN -> new Written(r.readLong(), r.readLong());
            case DELETED -> new Deleted(r.readBoolean(), r.readLong());
            case CAS -> new CasOutcome(r.readBoolean(), r.readLong(), readValue(r));
            case TOUCHED -> new Touched(r.readBoolean());
            case SET -> new CommandResult.SetOutcome(r.readBoolean(), r.readLong(), readValue(r));
            case COUNTER -> new CommandResult.Counter(r.readLong());
            case LENGTH -> new CommandResult.Length(r.readLong());
            case VALUE_OF -> new CommandResult.ValueOf(readValue(r));
            case BATCH -> {
                int n = r.readCount(1);
                List<CommandResult> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    results.add(readResult(r));
                }
                yield new Batch(results);
            }
            case EXPIRED -> new Expired(r.readInt());
            case EVICTED -> new CommandResult.Evicted(r.readInt(), r.readLong());
            case SPLIT_DONE -> new CommandResult.SplitDone(r.readInt(), r.readLong(), r.readLong(), r.readBoolean());
            case SPLIT_PREPARED -> new CommandResult.SplitPrepared(r.readInt(), r.readLong());
            case REJECTED -> {
                int e = r.readByte();
                if (e < 0 || e >= ERRORS.length) {
                    throw new MalformedMessageException("unknown error " + e);
                }
                yield new Rejected(ERRORS[e], new String(r.readBytes(), StandardCharsets.UTF_8));
            }
            default -> throw new MalformedMessageException("unknown result tag " + tag);
        };
    }

    private static void writeValue(WireWriter w, StoredValue v) {
        w.writeBoolean(v != null);
        if (v != null) {
            w.writeBytes(v.value()).writeLong(v.version()).writeLong(v.expiresAt());
        }
    }

    private static StoredValue readValue(WireReader r) {
        return r.readBoolean() ? new StoredValue(r.readBytes(), r.readLong(), r.readLong()) : null;
    }
}
