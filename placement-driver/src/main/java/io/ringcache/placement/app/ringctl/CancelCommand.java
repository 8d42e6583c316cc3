package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.AdminReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels an unfinished operator (the step running now completes or is rolled back by the PD).")
final class CancelCommand extends PdCommand {

    @Parameters(index = "0", paramLabel = "OP", description = "The operator id (see 'ringctl operators').")
    String operator;

    @Override
    int run(PdClient pd) {
        AdminReply reply = pd.cancel(operator);
        if (json()) {
            printJson(Json.obj("cancelled", operator, "operators", Views.operatorsJson(reply.getOperatorsList(), now())));
            return ExitCodes.OK;
        }
        out().println("cancelled operator " + operator);
        if (reply.getOperatorsCount() > 0) {
            Views.operatorTable(reply.getOperatorsList(), now()).print(out());
        }
        return ExitCodes.OK;
    }
}
