package dev.voicetrack.testkit.storage;

import dev.voicetrack.core.storage.Storage;

/**
 * The contract every {@link Storage} backend passes. A backend's test extends this class and
 * returns a fresh, empty storage against its real server from {@link #newStorage()}; the suite calls
 * {@link Storage#init()} and {@link Storage#close()}.
 *
 * <p>The tests live in a chain of classes by area, each a file, that this class closes: {@link
 * StorageContractSupport} (the storage under test and shared fixtures), {@link MemberContract}
 * (members and totals), {@link SessionContract}, {@link LeaderboardContract} (leaderboards and
 * ranks), {@link GuildConfigContract} (guild config and rewards), {@link HourlyActivityContract} and
 * {@link MaintenanceContract} (schema, lifecycle, arguments, reset, delete, snapshots and
 * migration). JUnit runs the tests of the whole chain for every subclass, so a backend extends this
 * class only.
 */
public abstract class StorageContractTest extends MaintenanceContract {}
