package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import io.ringcache.proto.v1.OperatorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** A command that creates operators and prints them, or with --wait waits until they end. */
abstract class OperatorCommand extends PdCommand {

    @Option(names = "--wait", description = "Wait until the operator ends; exit 1 if it fails or is cancelled, "
            + "4 on --timeout (default 10m).")
    boolean await;

    @Override
    boolean waits() {
        return await;
    }

    abstract AdminReply submit(PdClient pd);

    @Override
    int run(PdClient pd) {
        List<OperatorInfo> created = submit(pd).getOperatorsList();
        if (!await || created.isEmpty()) {
            if (json()) {
                printJson(Json.obj("operators", Views.operatorsJson(created, now())));
            } else if (created.isEmpty()) {
                out().println("the PD created no operator (nothing to do)");
            } else {
                out().println("created operator" + (created.size() > 1 ? "s" : "") + ":");
                Views.operatorTable(created, now()).print(out());
            }
            return ExitCodes.OK;
        }
        if (!json()) {
            out().println("created operator" + (created.size() > 1 ? "s" : "") + ":");
            Views.operatorTable(created, now()).print(out());
            out().flush();
        }
        List<String> ids = new ArrayList<>();
        for (OperatorInfo op : created) {
            ids.add(op.getId());
        }
        Map<String, OperatorInfo> done = waiter(pd).awaitOperators(spec().name(), ids);
        List<OperatorInfo> finals = new ArrayList<>();
        for (OperatorInfo op : created) {
            OperatorInfo last = done.get(op.getId());
            finals.add(last == null ? op : last);
        }
        if (json()) {
            printJson(Json.obj("operators", Views.operatorsJson(finals, now())));
        } else {
            for (OperatorInfo op : finals) {
                out().println("operator " + Fmt.describe(op) + " done");
            }
        }
        return ExitCodes.OK;
    }

    abstract picocli.CommandLine.Model.CommandSpec spec();

    static void checkShard(int shard) {
        if (shard < 0) {
            throw new RingctlException(ExitCodes.USAGE, "SHARD must be 0 or more, not " + shard);
        }
    }
}
