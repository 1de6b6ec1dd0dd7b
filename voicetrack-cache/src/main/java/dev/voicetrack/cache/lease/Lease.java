package dev.voicetrack.cache.lease;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds a named lease, and until when, as a {@link LeaseStore} answered a claim.
 *
 * @param name the lease's name
 * @param holder the owner that holds it: the claimant when the claim was granted, else the other holder
 * @param expiresAt when it lapses unless its holder renews it
 */
public record Lease(String name, String holder, Instant expiresAt) {

    public Lease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether {@code owner} holds it. */
    public boolean heldBy(String owner) {
        return holder.equals(owner);
    }
}
