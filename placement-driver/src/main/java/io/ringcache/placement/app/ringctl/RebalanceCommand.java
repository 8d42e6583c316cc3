package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.GetClusterStatusResponse;
import io.ringcache.proto.v1.OperatorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rebalance", mixinStandardHelpOptions = true,
        description = {"Asks the PD for a plan of moves that balances replica and leader counts, prints it, then "
                + "(unless --dry-run) queues it and waits with progress until the cluster is balanced.",
            "Balanced: replica counts of the UP stores within one, no leader transfer left that would even out "
                + "leader counts (within one when every store holds every shard), and every operator of the plan done.",
            "Exits 1 when a plan operator fails or is cancelled (with its reason), 4 on --timeout (default 10m). "
                + "Ctrl-C stops waiting; the queued operators keep running (see 'ringctl operators', 'ringctl cancel')."})
final class RebalanceCommand extends PdCommand {

    @Option(names = "--dry-run", description = "Only print the plan; queue nothing.")
    boolean dryRun;

    @Option(names = "--max-moves", paramLabel = "N", description = "Plan at most N moves (0: no limit, the default). "
            + "With a limit, ringctl returns when the plan is done even if the cluster is not balanced yet.")
    int maxMoves;

    @Override
    boolean waits() {
        return !dryRun;
    }

    @Override
    int run(PdClient pd) {
        if (maxMoves < 0) {
            throw new RingctlException(ExitCodes.USAGE, "--max-moves must be 0 or more");
        }
        List<OperatorInfo> plan = pd.rebalance(dryRun, maxMoves).getPlanList();
        if (plan.isEmpty()) {
            if (json()) {
                printJson(Json.obj("dry_run", dryRun, "result", "already_balanced", "plan", List.of()));
            } else {
                out().println("already balanced");
            }
            return ExitCodes.OK;
        }
        if (dryRun) {
            if (json()) {
                printJson(Json.obj("dry_run", true, "result", "planned", "plan", Views.operatorsJson(plan, now())));
            } else {
                out().println("plan (dry run, nothing queued): " + moves(plan.size()));
                Views.planTable(plan).print(out());
            }
            return ExitCodes.OK;
        }
        if (!json()) {
            out().println("queued " + moves(plan.size()) + ":");
            Views.planTable(plan).print(out());
            out().flush();
        }
        List<String> ids = new ArrayList<>();
        for (OperatorInfo op : plan) {
            if (!op.getId().isEmpty()) {
                ids.add(op.getId()); // a plan entry without an id cannot be tracked; its effect shows in the counts
            }
        }
        boolean limited = maxMoves > 0 && plan.size() >= maxMoves;
        int rounds = 1;
        Waiter w = waiter(pd);
        Map<String, OperatorInfo> ops;
        Balance balance;
        try (Progress progress = w.progress("rebalance", plan.size())) {
            while (true) {
                ops = w.lookup(ids);
                Waiter.checkFailed("rebalance blocked: ", ops);
                List<OperatorInfo> open = Waiter.unfinished(ops);
                String detail;
                balance = null;
                if (open.isEmpty()) {
                    GetClusterStatusResponse st = pd.status();
                    balance = Balance.of(st);
                    if (balance.balanced() || limited) {
                        progress.update(plan.size(), plan.size(), balance.balanced() ? "balanced" : "plan done");
                        break;
                    }
                    // A moved shard's leadership moves with it, so leaders may need a second round.
                    List<OperatorInfo> more = rounds < MAX_ROUNDS ? pd.rebalance(false, maxMoves).getPlanList() : List.of();
                    if (!more.isEmpty()) {
                        rounds++;
                        plan = new ArrayList<>(plan);
                        plan.addAll(more);
                        for (OperatorInfo op : more) {
                            if (!op.getId().isEmpty()) {
                                ids.add(op.getId());
                            }
                        }
                        continue;
                    }
                    boolean othersRunning = st.getOperatorsList().stream().anyMatch(o -> !Fmt.finished(o.getStatus()));
                    if (!othersRunning) {
                        throw new RingctlException(ExitCodes.REFUSED, "rebalance blocked: no move left that balances "
                                + "further (" + balance.describe() + ")");
                    }
                    detail = "waiting for balance: " + balance.describe();
                } else {
                    detail = Waiter.summary(open, 3);
                }
                progress.update(plan.size() - open.size(), plan.size(), detail);
                if (w.expired()) {
                    throw RingctlException.timedOut(w.timedOutAfter() + ": " + (open.isEmpty()
                            ? "the plan is done but the cluster is not balanced (" + balance.describe() + ")"
                            : open.size() + " of " + plan.size() + " operators unfinished (" + Waiter.summary(open, 5) + ")"));
                }
                w.sleep();
            }
        }
        String result = balance.balanced() ? "balanced" : "plan_done";
        if (json()) {
            List<OperatorInfo> finals = new ArrayList<>();
            for (OperatorInfo op : plan) {
                OperatorInfo last = op.getId().isEmpty() ? null : ops.get(op.getId());
                finals.add(last == null ? op : last);
            }
            printJson(Json.obj("dry_run", false, "result", result, "plan", Views.operatorsJson(finals, now()),
                    "balance", Json.obj("replicas", balance.replicas(), "leaders", balance.leaders())));
        } else if (balance.balanced()) {
            out().println("balanced: " + balance.describe());
        } else {
            out().println("plan done (--max-moves " + maxMoves + "), not balanced yet: " + balance.describe()
                    + "; run 'ringctl rebalance' again");
        }
        return ExitCodes.OK;
    }

    /** Plan rounds at most: each round's moves can leave leaders for the next. */
    private static final int MAX_ROUNDS = 5;

    private static String moves(int n) {
        return n + (n == 1 ? " move" : " moves");
    }
}
