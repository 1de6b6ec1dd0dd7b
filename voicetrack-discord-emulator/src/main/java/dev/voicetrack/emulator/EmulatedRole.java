package dev.voicetrack.emulator;

/** A guild role. The {@code @everyone} role has the guild's id. Immutable. */
public interface EmulatedRole {
    long id();

    String name();

    /** Discord permission bits (for example {@code 1L << 3} is ADMINISTRATOR). */
    long permissions();

    EmulatedGuild guild();
}
