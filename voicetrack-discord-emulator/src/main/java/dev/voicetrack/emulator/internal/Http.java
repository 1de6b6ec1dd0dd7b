package dev.voicetrack.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Small helpers every route group shares: Discord-style JSON answers and errors, request bodies and parameters. */
final class Http {
    private Http() {}

    /** The body is not JSON: Discord answers 400 with code 50109. */
    static final class MalformedJson extends RuntimeException {
        static final long serialVersionUID = 1L;

        MalformedJson(String message) {
            super(message);
        }
    }

    static String abbreviate(String body) {
        return body.length() > 500 ? body.substring(0, 500) + "..." : body;
    }

    static long id(Matcher match, int group) {
        return Long.parseUnsignedLong(match.group(group));
    }

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void error(Context ctx, int status, int code, String message) {
        json(ctx, status, Json.object().put("message", message).put("code", code));
    }

    /** {@code status} with {@code body}, or 404 with Discord's error {@code code} and message when there is none. */
    static void jsonOrUnknown(Context ctx, int status, @Nullable JsonNode body, int code, String unknown) {
        if (body == null) {
            error(ctx, 404, code, unknown);
        } else {
            json(ctx, status, body);
        }
    }

    /** A snowflake query parameter such as {@code after}; 0 when absent. */
    static long querySnowflake(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return 0;
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
            errors.add(List.of(name), "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not snowflake.");
            errors.throwIfAny();
            return 0;
        }
    }

    /** A file part of a multipart body; {@code index} is n of its {@code files[n]} name. */
    record Upload(int index, String filename, String contentType, byte[] data) {}

    private static final Pattern FILE_PART = Pattern.compile("files\\[(\\d+)]");

    /** The files of a multipart body, by index; none for a JSON body. */
    static List<Upload> uploads(Context ctx) {
        if (!multipart(ctx)) {
            return List.of();
        }
        List<Upload> uploads = new ArrayList<>();
        ctx.uploadedFileMap().forEach((name, files) -> {
            Matcher index = FILE_PART.matcher(name);
            for (UploadedFile file : files) {
                int n = index.matches() ? Integer.parseInt(index.group(1)) : uploads.size();
                try (InputStream content = file.content()) {
                    String type = file.contentType() == null ? "application/octet-stream" : file.contentType();
                    uploads.add(new Upload(n, file.filename(), type, content.readAllBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        uploads.sort(Comparator.comparingInt(Upload::index));
        return uploads;
    }

    static boolean multipart(Context ctx) {
        String contentType = ctx.contentType();
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }

    /** The JSON body, or the {@code payload_json} part of a multipart body. */
    static JsonNode body(Context ctx) {
        String text = multipart(ctx) ? ctx.formParam("payload_json") : ctx.body();
        if (text == null || text.isBlank()) {
            return Json.object();
        }
        try {
            return Json.read(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedJson(e.getMessage());
        }
    }

    static int queryInt(Context ctx, String name, int fallback, int min, int max) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        InvalidFormBody.Collector errors = new InvalidFormBody.Collector();
        int value = fallback;
        try {
            value = Integer.parseInt(text);
            if (value < min) {
                errors.add(
                        List.of(name), "NUMBER_TYPE_MIN", "int value should be greater than or equal to " + min + ".");
            } else if (value > max) {
                errors.add(List.of(name), "NUMBER_TYPE_MAX", "int value should be less than or equal to " + max + ".");
            }
        } catch (NumberFormatException e) {
            errors.add(List.of(name), "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not int.");
        }
        errors.throwIfAny();
        return value;
    }
}
