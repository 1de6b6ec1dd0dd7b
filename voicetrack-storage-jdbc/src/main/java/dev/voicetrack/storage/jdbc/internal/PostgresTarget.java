package dev.voicetrack.storage.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import dev.voicetrack.storage.jdbc.PostgresOptions;
import java.time.Duration;
import java.util.Objects;

/** A PostgreSQL server as a {@link Target}: the pool connects with {@link PostgresOptions}. */
final class PostgresTarget implements Target {

    private final PostgresOptions options;

    PostgresTarget(PostgresOptions options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
    }

    @Override
    public Dialect dialect() {
        return Dialect.POSTGRES;
    }

    @Override
    public boolean readOnly() {
        return options.readOnly();
    }

    @Override
    public String describe() {
        return options.jdbcUrl().replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    @Override
    public HikariConfig poolConfig() {
        PostgresOptions o = options;
        var hc = new HikariConfig();
        hc.setReadOnly(o.readOnly());
        hc.setJdbcUrl(o.jdbcUrl());
        hc.setUsername(o.user());
        if (!o.password().isEmpty()) {
            hc.setPassword(o.password());
        }
        hc.setMaximumPoolSize(o.poolSize());
        hc.setConnectionTimeout(o.connectionTimeout().toMillis());
        // Checking an idle connection before lending it must not outlast the wait for one.
        hc.setValidationTimeout(
                Math.max(250, Math.min(5_000, o.connectionTimeout().toMillis())));
        hc.setPoolName("voicetrack-postgres");
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (o.readOnly()) {
            hc.addDataSourceProperty("readOnlyMode", "always"); // refused in auto-commit mode too
        }
        String connect = Long.toString(wholeSeconds(o.connectTimeout()));
        hc.addDataSourceProperty("connectTimeout", connect);
        hc.addDataSourceProperty("loginTimeout", connect);
        if (!o.socketTimeout().isZero()) {
            hc.addDataSourceProperty("socketTimeout", Long.toString(wholeSeconds(o.socketTimeout())));
        }
        if (!o.statementTimeout().isZero()) {
            hc.addDataSourceProperty(
                    "options", "-c statement_timeout=" + o.statementTimeout().toMillis());
        }
        hc.setMinimumIdle(1);
        return hc;
    }

    /** A driver timeout in whole seconds, rounded up (the PostgreSQL driver counts in seconds). */
    private static long wholeSeconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    @Override
    public void beforeOpen(boolean checkFirst) {
        // a server checks itself; nothing to announce
    }

    @Override
    public void released() {}
}
