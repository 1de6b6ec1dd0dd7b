package dev.voicetrack.bot.internal;

/**
 * One part of the running bot with a start and a stop, run by a {@link Lifecycle} in its declared
 * order. {@link #start} either leaves the part running or throws having released what it took; {@link
 * #stop} is called once, only after a successful start.
 */
interface Component {

    /** What the logs call this part ("storage", "admin api"). */
    String name();

    /** @throws InterruptedException when interrupted while waiting (for Discord, for instance) */
    void start() throws InterruptedException;

    void stop();

    /** What a start does; may wait. */
    @FunctionalInterface
    interface Step {
        void run() throws InterruptedException;
    }

    /** A component made of two steps. */
    static Component of(String name, Step start, Runnable stop) {
        return new Component() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() throws InterruptedException {
                start.run();
            }

            @Override
            public void stop() {
                stop.run();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
