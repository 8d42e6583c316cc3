package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Histories a correct store could produce: clients, each one operation at a time, on a few keys;
 * every operation takes effect at one instant inside its interval (its linearization point), in
 * the order of those instants, on real registers. Some operations lose their answer (unknown
 * outcome), and of those writes some took effect and some did not. Seeded: the same seed, the
 * same history.
 */
final class ConcurrentRegisters {

    private ConcurrentRegisters() {
    }

    private record Planned(int id, int client, String key, Operation.Call call, long invokedAt, long takesEffectAt,
                           long returnedAt, boolean answerLost, boolean applied) {
    }

    static List<Operation> run(Random random, int clients, int keys, int operations) {
        long[] clientFree = new long[clients];
        List<Planned> plan = new ArrayList<>();
        String[] values = {"a", "b", "c"};
        for (int id = 0; id < operations; id++) {
            int client = random.nextInt(clients);
            // Each operation takes effect strictly inside its interval.
            long invoked = clientFree[client] + 3L * random.nextInt(4) + 1;
            long effect = invoked + 3L * random.nextInt(6) + 1;
            long returned = effect + 3L * random.nextInt(6) + 1;
            clientFree[client] = returned;
            String key = "k" + random.nextInt(keys);
            String value = values[random.nextInt(values.length)];
            Operation.Call call = switch (random.nextInt(4)) {
                case 0 -> new Operation.Call.Read();
                case 1 -> new Operation.Call.Write(value);
                case 2 -> new Operation.Call.Delete();
                default -> new Operation.Call.CompareAndSet(random.nextBoolean() ? null : values[random.nextInt(values.length)], value);
            };
            boolean lost = random.nextInt(8) == 0;
            plan.add(new Planned(id, client, key, call, invoked, effect, returned, lost, !lost || random.nextBoolean()));
        }
        List<Planned> byEffect = new ArrayList<>(plan);
        byEffect.sort(Comparator.comparingLong(Planned::takesEffectAt).thenComparingInt(Planned::id));
        Map<String, String> registers = new HashMap<>();
        List<Operation> history = new ArrayList<>();
        for (Planned p : byEffect) {
            String now = registers.get(p.key());
            Operation.Outcome outcome;
            if (p.call() instanceof Operation.Call.Read) {
                outcome = new Operation.Outcome.Value(now);
            } else if (p.call() instanceof Operation.Call.Write w) {
                if (p.applied()) {
                    registers.put(p.key(), w.value());
                }
                outcome = new Operation.Outcome.Done();
            } else if (p.call() instanceof Operation.Call.Delete) {
                if (p.applied()) {
                    registers.remove(p.key());
                }
                outcome = new Operation.Outcome.Done();
            } else {
                Operation.Call.CompareAndSet cas = (Operation.Call.CompareAndSet) p.call();
                boolean swaps = java.util.Objects.equals(cas.expected(), now);
                if (swaps && p.applied()) {
                    registers.put(p.key(), cas.next());
                }
                outcome = new Operation.Outcome.Swapped(swaps);
            }
            if (p.answerLost()) {
                outcome = new Operation.Outcome.Unknown();
            }
            history.add(new Operation(p.id(), p.key(), p.call(), outcome, p.invokedAt(), p.returnedAt()));
        }
        history.sort(Comparator.comparingInt(Operation::id));
        return history;
    }
}
