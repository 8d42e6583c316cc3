package io.ringcache.placement.app.ringctl;

import io.ringcache.placement.api.AccessTableProtos;
import io.ringcache.placement.core.access.AccessChange;

/** A ringctl command that makes one access change and says what it did in one line (or JSON). */
abstract class AccessChangeCommand extends PdCommand {

    @Override
    final int run(PdClient pd) throws Exception {
        AccessChange change = change();
        pd.changeAccess(AccessTableProtos.request(change));
        if (json()) {
            printJson(Json.obj("done", done()));
        } else {
            out().println(done());
        }
        return ExitCodes.OK;
    }

    /** The change to make (may read a password or make a token first). */
    abstract AccessChange change();

    /** What was done, for the operator. */
    abstract String done();
}
