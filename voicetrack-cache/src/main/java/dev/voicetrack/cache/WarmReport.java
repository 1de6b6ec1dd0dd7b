package dev.voicetrack.cache;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a {@link CacheWarmer} did, task by task, in the order the tasks were registered.
 * Immutable.
 *
 * @param tasks one result per task that ran
 */
public record WarmReport(List<TaskResult> tasks) {

    public WarmReport {
        tasks = List.copyOf(Objects.requireNonNull(tasks, "tasks"));
    }

    /** How many entries the run stored, over every task. */
    public long totalLoaded() {
        long total = 0;
        for (TaskResult t : tasks) {
            total += t.loaded();
        }
        return total;
    }

    /** The tasks that failed, in order; empty when every task succeeded. */
    public List<TaskResult> failures() {
        return tasks.stream().filter(TaskResult::failed).toList();
    }

    /** Whether every task succeeded. */
    public boolean succeeded() {
        return tasks.stream().noneMatch(TaskResult::failed);
    }

    /** The summed time of the tasks. */
    public Duration duration() {
        Duration total = Duration.ZERO;
        for (TaskResult t : tasks) {
            total = total.plus(t.duration());
        }
        return total;
    }

    /**
     * What one task did.
     *
     * @param scope the task's scope
     * @param loaded how many entries it stored; 0 if it failed
     * @param failure why it failed (the exception's message, or its class name when it has none);
     *     empty if it succeeded
     * @param duration how long loading and storing took, by the warmer's ticker
     */
    public record TaskResult(String scope, long loaded, Optional<String> failure, Duration duration) {

        public TaskResult {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(failure, "failure");
            Objects.requireNonNull(duration, "duration");
            if (loaded < 0) {
                throw new IllegalArgumentException("loaded must be >= 0, was " + loaded);
            }
        }

        /** Whether the task failed. */
        public boolean failed() {
            return failure.isPresent();
        }
    }
}
