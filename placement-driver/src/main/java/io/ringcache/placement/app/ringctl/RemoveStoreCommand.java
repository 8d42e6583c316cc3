package io.ringcache.placement.app.ringctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove-store", mixinStandardHelpOptions = true,
        description = "Removes an empty store from the cluster for good (drain it first: 'ringctl drain STORE').")
final class RemoveStoreCommand extends PdCommand {

    @Parameters(index = "0", paramLabel = "STORE", description = "The store id.")
    String store;

    @Override
    int run(PdClient pd) {
        pd.removeStore(store);
        if (json()) {
            printJson(Json.obj("store", store, "state", "REMOVED"));
        } else {
            out().println("store " + store + " removed");
        }
        return ExitCodes.OK;
    }
}
