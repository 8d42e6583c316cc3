package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.OperatorInfo;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "operators", mixinStandardHelpOptions = true,
        description = "Operators: id, shard, kind, from, to, status, step, reason, origin, age. "
                + "Unfinished ones only, unless --all.")
final class OperatorsCommand extends PdCommand {

    @Option(names = {"-a", "--all"}, description = "Include finished (done, failed, cancelled) operators, newest first.")
    boolean all;

    @Override
    int run(PdClient pd) {
        List<OperatorInfo> ops = pd.operators(all).getOperatorsList();
        if (json()) {
            printJson(Json.obj("operators", Views.operatorsJson(ops, now())));
        } else if (ops.isEmpty()) {
            out().println(all ? "no operators" : "no unfinished operators (--all shows finished ones)");
        } else {
            Views.operatorTable(ops, now()).print(out());
        }
        return ExitCodes.OK;
    }
}
