package io.ringcache.node.adapter.profiling;

import io.ringcache.node.adapter.profiling.pprof.ProfileProto.Function;
import io.ringcache.node.adapter.profiling.pprof.ProfileProto.Line;
import io.ringcache.node.adapter.profiling.pprof.ProfileProto.Location;
import io.ringcache.node.adapter.profiling.pprof.ProfileProto.Profile;
import io.ringcache.node.adapter.profiling.pprof.ProfileProto.Sample;
import io.ringcache.node.adapter.profiling.pprof.ProfileProto.ValueType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/** A pprof profile parsed from gzipped protobuf, with the questions the tests ask of it. */
record Pprof(Profile profile) {

    static Pprof parseGzipped(byte[] body) {
        if (body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
            throw new AssertionError("not gzip: " + body.length + " bytes");
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            Profile p = Profile.parseFrom(in);
            if (p.getStringTableCount() == 0 || !p.getStringTable(0).isEmpty()) {
                throw new AssertionError("a pprof string table starts with \"\": " + p.getStringTableList());
            }
            return new Pprof(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String string(long index) {
        return profile.getStringTable((int) index);
    }

    /** The sample types as "type/unit". */
    List<String> sampleTypes() {
        return profile.getSampleTypeList().stream().map((ValueType v) -> string(v.getType()) + "/" + string(v.getUnit()))
                .toList();
    }

    int samples() {
        return profile.getSampleCount();
    }

    /** The names of every function any sample's stack passes through. */
    Set<String> sampledFunctions() {
        Map<Long, Location> locations = new HashMap<>();
        for (Location l : profile.getLocationList()) {
            locations.put(l.getId(), l);
        }
        Map<Long, Function> functions = new HashMap<>();
        for (Function f : profile.getFunctionList()) {
            functions.put(f.getId(), f);
        }
        Set<String> names = new TreeSet<>();
        for (Sample s : profile.getSampleList()) {
            for (long id : s.getLocationIdList()) {
                Location l = locations.get(id);
                if (l == null) {
                    throw new AssertionError("a sample names location " + id + ", which is not in the profile");
                }
                for (Line line : l.getLineList()) {
                    Function f = functions.get(line.getFunctionId());
                    if (f == null) {
                        throw new AssertionError("location " + id + " names function " + line.getFunctionId()
                                + ", which is not in the profile");
                    }
                    names.add(string(f.getName()));
                }
            }
        }
        return names;
    }

    boolean sampled(String fragment) {
        return sampledFunctions().stream().anyMatch(n -> n.contains(fragment));
    }
}
