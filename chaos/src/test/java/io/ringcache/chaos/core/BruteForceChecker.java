package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Linearizability by definition, for small histories of one key: try every order of the
 * operations that respects real time (a before b whenever a returned before b was invoked), with
 * every operation of unknown outcome either placed in it or left out, and accept when the model
 * accepts one of them. Exponential; the reference {@link LinearizabilityChecker} is tested against.
 */
final class BruteForceChecker {

    private BruteForceChecker() {
    }

    static boolean linearizable(List<Operation> ops) {
        List<Operation> considered = new ArrayList<>();
        for (Operation op : ops) {
            if (!(op.unknown() && op.call() instanceof Operation.Call.Read)) {
                considered.add(op);
            }
        }
        return search(considered, new boolean[considered.size()], RegisterModel.State.ABSENT);
    }

    private static boolean search(List<Operation> ops, boolean[] done, RegisterModel.State state) {
        boolean allDone = true;
        for (boolean d : done) {
            allDone &= d;
        }
        if (allDone) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (done[i] || !minimal(ops, done, i)) {
                continue;
            }
            Operation op = ops.get(i);
            done[i] = true;
            Optional<RegisterModel.State> after = RegisterModel.step(state, op);
            boolean found = after.isPresent() && search(ops, done, after.get());
            // An operation of unknown outcome may also never have taken effect.
            found = found || op.unknown() && search(ops, done, state);
            done[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    /** True when no operation still to place returned before {@code i} was invoked. */
    private static boolean minimal(List<Operation> ops, boolean[] done, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && !done[j] && ops.get(j).returnedAt() < ops.get(i).invokedAt()) {
                return false;
            }
        }
        return true;
    }
}
