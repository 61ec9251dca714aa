package io.fedfactory.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;

/**
 * JSON for the project's own documents (reports, run summaries), through Gson: maps, lists, strings,
 * numbers and booleans, with every number at full precision and NaN or infinities, which JSON cannot
 * express, written as null. Wire types are printed with protobuf's JsonFormat instead.
 */
public final class Json {

    private static final TypeAdapter<Number> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Number value) throws IOException {
            if (value == null || !Double.isFinite(value.doubleValue())) out.nullValue();
            else out.value(value);
        }

        @Override
        public Number read(JsonReader in) {
            throw new UnsupportedOperationException("written only");
        }
    };

    private static final Gson COMPACT = builder().create();
    private static final Gson PRETTY = builder().setPrettyPrinting().create();

    private Json() {
    }

    private static GsonBuilder builder() {
        return new GsonBuilder().serializeNulls().disableHtmlEscaping()
                .registerTypeAdapter(Double.class, FINITE_OR_NULL).registerTypeAdapter(Float.class, FINITE_OR_NULL);
    }

    /** One line of JSON. */
    public static String compact(Object value) {
        return COMPACT.toJson(value);
    }

    /** Indented JSON, two spaces a level. */
    public static String pretty(Object value) {
        return PRETTY.toJson(value);
    }

    /** JSON text that another writer produced (a report, a proto's JsonFormat), to embed in a document. */
    public static JsonElement parsed(String json) {
        return JsonParser.parseString(json);
    }

    /** A JSON number, or null where {@code v} is NaN or infinite. */
    public static JsonElement number(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }
}
