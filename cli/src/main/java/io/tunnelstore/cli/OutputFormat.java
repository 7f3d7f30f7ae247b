package io.tunnelstore.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** How client commands print results: aligned text tables for people, JSON for programs. */
enum OutputFormat {
    /** Human-readable aligned tables and sentences. */
    TEXT,
    /** JSON: one object per result, or one object per line for streams of rows and records. */
    JSON;

    /** Accepts {@code text} and {@code json} in any case. */
    static final class Converter implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "text" -> TEXT;
                case "json" -> JSON;
                default -> throw new TypeConversionException("expected text or json, got '" + value + "'");
            };
        }
    }
}
