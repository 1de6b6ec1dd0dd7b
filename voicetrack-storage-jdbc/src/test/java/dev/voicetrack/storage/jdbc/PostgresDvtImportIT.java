package dev.voicetrack.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.voicetrack.core.migrate.DvtImport;
import dev.voicetrack.core.migrate.ImportReport;
import dev.voicetrack.core.migrate.Importer;
import dev.voicetrack.core.storage.Storage;
import dev.voicetrack.testkit.dvt.DvtFixture;
import dev.voicetrack.testkit.postgres.PostgresServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * discord-vc-tracker's SQLite database imported into PostgreSQL (a throwaway database on the shared
 * test server): every quirk of the fixture checked through VoiceTrack's own queries, twice, since a
 * rerun replaces instead of doubling.
 */
class PostgresDvtImportIT {
    @TempDir
    Path tmp;

    @Test
    void everyQuirk_importsAsTheOriginalReportsIt_andARerunReplaces() {
        Path source = DvtFixture.writeSqlite(tmp.resolve("voice-tracker.db"));
        try (PostgresServer.Database db = PostgresServer.freshDatabase();
                Storage target = JdbcStorage.postgres(PostgresOptions.builder()
                        .jdbcUrl(db.jdbcUrl())
                        .user(db.user())
                        .password(db.password())
                        .poolSize(2)
                        .build())) {
            target.init();
            for (int run = 1; run <= 2; run++) {
                ImportReport report;
                try (var reader = DvtSqliteReader.open(source)) {
                    report = Importer.from(DvtImport.source(reader)).to(target).run();
                }
                DvtFixture.checkReport(report);
                DvtFixture.check(target, DvtFixture.Precision.SECONDS);
            }
            assertThat(target.guildIds()).hasSize(2);
        }
    }
}
