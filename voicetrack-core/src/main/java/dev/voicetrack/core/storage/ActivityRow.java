package dev.voicetrack.core.storage;

import java.time.LocalDate;

/** Daily activity of one member in one channel (0 = none) on one day. */
public record ActivityRow(LocalDate day, long channelId, long voiceMs, long xp, long messages) {}
