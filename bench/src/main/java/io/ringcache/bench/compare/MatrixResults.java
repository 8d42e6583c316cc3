package io.ringcache.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every sample of a comparison, by cell (workload x concurrency) and store. Cells and stores keep
 * the order in which they were first recorded, which is the order the report shows them in.
 */
public final class MatrixResults {

    public record Cell(CompareWorkload workload, int concurrency) {
    }

    private final List<String> stores;
    private final Map<Cell, Map<String, List<Sample>>> samples = new LinkedHashMap<>();

    public MatrixResults(List<String> stores) {
        this.stores = List.copyOf(stores);
    }

    public void add(CompareWorkload workload, int concurrency, String store, Sample sample) {
        if (!stores.contains(store)) {
            throw new IllegalArgumentException("unknown store " + store);
        }
        samples.computeIfAbsent(new Cell(workload, concurrency), c -> new LinkedHashMap<>())
                .computeIfAbsent(store, s -> new ArrayList<>())
                .add(sample);
    }

    public List<String> stores() {
        return stores;
    }

    public List<Cell> cells() {
        return List.copyOf(samples.keySet());
    }

    /** The cell's medians for {@code store}, empty when that store was not measured there. */
    public Optional<CellSummary> summary(CompareWorkload workload, int concurrency, String store) {
        Map<String, List<Sample>> byStore = samples.get(new Cell(workload, concurrency));
        if (byStore == null || !byStore.containsKey(store)) {
            return Optional.empty();
        }
        return Optional.of(CellSummary.of(byStore.get(store)));
    }
}
