package io.ringcache.node.adapter.profiling;

/** What a sampled profile measures, and how its JFR recording becomes a pprof profile. */
public enum ProfileKind {

    /** On-CPU time: execution samples, one per 10 ms of CPU (pprof sample type {@code cpu/count}). */
    CPU(new String[0]),
    /** Sampled heap allocations: bytes allocated per allocating stack ({@code allocations/bytes}). */
    ALLOC(new String[] {"--alloc", "--total"}),
    /** Lock contention: time spent waiting to acquire monitors and locks ({@code locks/nanoseconds}). */
    LOCK(new String[] {"--lock", "--total"});

    private final String[] converterFlags;

    ProfileKind(String[] converterFlags) {
        this.converterFlags = converterFlags;
    }

    /** The jfr-converter arguments selecting this kind's events and units, after {@code -o pb.gz}. */
    String[] converterArguments() {
        String[] args = new String[converterFlags.length + 2];
        args[0] = "-o";
        args[1] = "pb.gz";
        System.arraycopy(converterFlags, 0, args, 2, converterFlags.length);
        return args;
    }
}
