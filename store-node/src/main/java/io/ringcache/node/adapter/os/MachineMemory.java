package io.ringcache.node.adapter.os;

import java.lang.management.ManagementFactory;

/**
 * The memory this process may use: the container's limit when it runs in one (the JDK reads the
 * cgroup limit since JDK 14), else the machine's RAM.
 */
public final class MachineMemory {

    private MachineMemory() {
    }

    public static long totalBytes() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
