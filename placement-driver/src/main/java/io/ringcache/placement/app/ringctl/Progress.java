package io.ringcache.placement.app.ringctl;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a wait: a live bar with ETA on an interactive terminal, plain lines otherwise
 * (pipes, CI, tests), nothing for {@code --output json}. Never reads stdin.
 */
abstract class Progress implements AutoCloseable {

    abstract void update(long done, long max, String detail);

    @Override
    public void close() {
    }

    static Progress create(RingctlEnv env, boolean show, String task, long max) {
        if (!show) {
            return new Progress() {
                @Override
                void update(long done, long max, String detail) {
                }
            };
        }
        if (env.terminal() != null) {
            return new Bar(env.terminal(), task, max);
        }
        return new Plain(env.out(), task);
    }

    /** me.tongfei's progress bar. */
    private static final class Bar extends Progress {
        private final ProgressBar bar;

        Bar(PrintStream terminal, String task, long max) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(max, 1))
                    .setStyle(ProgressBarStyle.UNICODE_BLOCK).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(terminal)).build();
        }

        @Override
        void update(long done, long max, String detail) {
            bar.maxHint(Math.max(max, 1));
            bar.stepTo(done);
            bar.setExtraMessage(detail == null ? "" : " " + detail);
        }

        @Override
        public void close() {
            bar.close();
        }
    }

    /** One line per change (or every 10 s): "rebalance: 2/5 (40%) 1 running, eta 0:31". */
    private static final class Plain extends Progress {
        private static final long REPEAT_NANOS = Duration.ofSeconds(10).toNanos();
        private final PrintWriter out;
        private final String task;
        private final long start = System.nanoTime();
        private String last;
        private long lastAt;

        Plain(PrintWriter out, String task) {
            this.out = out;
            this.task = task;
        }

        @Override
        void update(long done, long max, String detail) {
            String state = task + ": " + done + "/" + max
                    + (max > 0 ? String.format(Locale.ROOT, " (%d%%)", done * 100 / max) : "")
                    + (detail == null || detail.isEmpty() ? "" : " " + detail);
            long now = System.nanoTime();
            if (state.equals(last) && now - lastAt < REPEAT_NANOS) {
                return;
            }
            String eta = "";
            if (done > 0 && done < max) {
                long etaMillis = (now - start) / 1_000_000 * (max - done) / done;
                eta = ", eta " + Fmt.age(etaMillis);
            }
            out.println(state + eta);
            out.flush();
            last = state;
            lastAt = now;
        }
    }
}
