/**
 * Moving data into and out of VoiceTrack from outside: the importer ({@link
 * dev.voicetrack.core.migrate.Importer}), which streams guilds from an {@link
 * dev.voicetrack.core.migrate.ImportSource} into any {@link dev.voicetrack.core.storage.Storage}, one
 * guild per atomic step, with an {@link dev.voicetrack.core.migrate.ImportReport}; and the
 * discord-vc-tracker data model ({@code Dvt*}) that its readers produce. The readers that need a
 * driver or a parser live in the storage module that has it: {@code DvtJsonReader} in
 * voicetrack-storage-json, {@code DvtSqliteReader} in voicetrack-storage-jdbc, {@code DvtMongoReader}
 * in voicetrack-storage-mongo. Storage-to-storage copies are {@link
 * dev.voicetrack.core.storage.StorageMigration}'s job, not this package's.
 */
package dev.voicetrack.core.migrate;
