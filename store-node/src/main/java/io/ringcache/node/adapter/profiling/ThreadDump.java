package io.ringcache.node.adapter.profiling;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;

/** A text dump of every live thread with its whole stack and locks, in the manner of {@code jstack}. */
public final class ThreadDump {

    private ThreadDump() {
    }

    public static String take() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ThreadInfo[] threads = mx.dumpAllThreads(mx.isObjectMonitorUsageSupported(), mx.isSynchronizerUsageSupported());
        Arrays.sort(threads, Comparator.comparingLong(ThreadInfo::getThreadId));
        StringBuilder out = new StringBuilder(threads.length * 1024);
        out.append(Instant.now()).append('\n');
        out.append("Full thread dump ").append(System.getProperty("java.vm.name")).append(" (")
                .append(System.getProperty("java.vm.version")).append("), ").append(threads.length).append(" threads:\n\n");
        for (ThreadInfo t : threads) {
            if (t != null) {
                append(out, t);
            }
        }
        long[] deadlocked = mx.isSynchronizerUsageSupported() ? mx.findDeadlockedThreads() : mx.findMonitorDeadlockedThreads();
        if (deadlocked != null && deadlocked.length > 0) {
            out.append("Found ").append(deadlocked.length).append(" deadlocked threads:");
            for (long id : deadlocked) {
                out.append(" #").append(id);
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static void append(StringBuilder out, ThreadInfo t) {
        out.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId());
        if (t.isDaemon()) {
            out.append(" daemon");
        }
        out.append(" prio=").append(t.getPriority()).append(' ').append(t.getThreadState().name().toLowerCase(java.util.Locale.ROOT));
        if (t.isSuspended()) {
            out.append(" (suspended)");
        }
        if (t.isInNative()) {
            out.append(" (in native)");
        }
        out.append("\n   java.lang.Thread.State: ").append(t.getThreadState()).append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        MonitorInfo[] monitors = t.getLockedMonitors();
        for (int depth = 0; depth < stack.length; depth++) {
            out.append("\tat ").append(frame(stack[depth])).append('\n');
            if (depth == 0 && t.getLockInfo() != null) {
                String verb = t.getThreadState() == Thread.State.BLOCKED ? "waiting to lock"
                        : "park".equals(stack[depth].getMethodName()) ? "parking to wait for" : "waiting on";
                out.append("\t- ").append(verb).append(' ').append(describe(t.getLockInfo()));
                if (t.getLockOwnerName() != null) {
                    out.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
                }
                out.append('\n');
            }
            for (MonitorInfo m : monitors) {
                if (m.getLockedStackDepth() == depth) {
                    out.append("\t- locked ").append(describe(m)).append('\n');
                }
            }
        }
        LockInfo[] synchronizers = t.getLockedSynchronizers();
        if (synchronizers.length > 0) {
            out.append("\n   Locked ownable synchronizers:\n");
            for (LockInfo s : synchronizers) {
                out.append("\t- ").append(describe(s)).append('\n');
            }
        }
        out.append('\n');
    }

    /** A frame as jstack prints it: no class loader name, the module only for named modules. */
    static String frame(StackTraceElement e) {
        StringBuilder s = new StringBuilder(128);
        if (e.getModuleName() != null) {
            s.append(e.getModuleName());
            if (e.getModuleVersion() != null) {
                s.append('@').append(e.getModuleVersion());
            }
            s.append('/');
        }
        s.append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
        if (e.isNativeMethod()) {
            s.append("Native Method");
        } else if (e.getFileName() == null) {
            s.append("Unknown Source");
        } else {
            s.append(e.getFileName());
            if (e.getLineNumber() >= 0) {
                s.append(':').append(e.getLineNumber());
            }
        }
        return s.append(')').toString();
    }

    private static String describe(LockInfo lock) {
        return "<0x" + Integer.toHexString(lock.getIdentityHashCode()) + "> (a " + lock.getClassName() + ")";
    }
}
