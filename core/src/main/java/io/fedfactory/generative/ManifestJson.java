package io.fedfactory.generative;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.fedfactory.data.ImageSpec;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manifest's JSON form. Written field by field in a fixed order so equal manifests give equal
 * bytes; read strictly, rejecting unknown and missing fields with the field's path in the message.
 */
final class ManifestJson {

    /** Version of this JSON layout; bumped on any incompatible change. */
    static final int SCHEMA = 1;
    /** Largest manifest accepted, in characters. */
    static final int MAX_CHARS = 1 << 20;

    private ManifestJson() {}

    static String write(ModuleManifest m) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = new JsonWriter(out)) {
            w.beginObject();
            w.name("schema").value(SCHEMA);
            w.name("moduleId").value(m.moduleId());
            w.name("kind").value(m.kind().wireName());
            w.name("siteId").value(m.siteId());
            w.name("classes").beginArray();
            for (ClassLabel c : m.classes()) {
                w.beginObject().name("index").value(c.index()).name("name").value(c.name()).endObject();
            }
            w.endArray();
            ImageSpec s = m.spec();
            w.name("spec").beginObject()
                    .name("channels").value(s.channels())
                    .name("height").value(s.height())
                    .name("width").value(s.width())
                    .name("valueMin").value(s.valueMin())
                    .name("valueMax").value(s.valueMax())
                    .endObject();
            w.name("sampler").beginObject();
            if (m.sampler() instanceof DiffusionSampling d) {
                w.name("steps").value(d.steps())
                        .name("sigmaMin").value(d.sigmaMin())
                        .name("sigmaMax").value(d.sigmaMax())
                        .name("rho").value(d.rho())
                        .name("sigmaData").value(d.sigmaData());
            } else if (m.sampler() instanceof DecoderSampling d) {
                w.name("latentDim").value(d.latentDim());
            } else if (m.sampler() instanceof LatentDiffusionSampling l) {
                DiffusionSampling d = l.diffusion();
                w.name("latentDim").value(l.latentDim())
                        .name("steps").value(d.steps())
                        .name("sigmaMin").value(d.sigmaMin())
                        .name("sigmaMax").value(d.sigmaMax())
                        .name("rho").value(d.rho())
                        .name("sigmaData").value(d.sigmaData());
            }
            w.endObject();
            TrainingProvenance p = m.provenance();
            w.name("provenance").beginObject()
                    .name("datasetSize").value(p.datasetSize())
                    .name("examplesSeen").value(p.examplesSeen())
                    .name("epochs").value(p.epochs())
                    .name("steps").value(p.steps())
                    .name("seed").value(p.seed())
                    .name("threads").value(p.threads())
                    .name("wallSeconds").value(p.wallSeconds());
            writeMap(w, "libraries", p.libraries());
            writeMap(w, "hyperparameters", p.hyperparameters());
            w.endObject();
            w.endObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeMap(JsonWriter w, String name, Map<String, String> map) throws IOException {
        w.name(name).beginObject();
        for (Map.Entry<String, String> e : map.entrySet()) w.name(e.getKey()).value(e.getValue());
        w.endObject();
    }

    static ModuleManifest read(String json) {
        if (json.length() > MAX_CHARS) {
            throw new IllegalArgumentException("manifest JSON must be at most " + MAX_CHARS + " characters, got "
                    + json.length());
        }
        JsonObject root = parse(json);
        Fields f = new Fields("manifest", root, Set.of("schema", "moduleId", "kind", "siteId", "classes", "spec",
                "sampler", "provenance"));
        int schema = f.integer("schema");
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("manifest.schema must be " + SCHEMA + ", got " + schema);
        }
        ModuleKind kind = ModuleKind.fromWireName(f.string("kind"));
        List<ClassLabel> classes = new ArrayList<>();
        JsonArray arr = f.array("classes");
        for (int i = 0; i < arr.size(); i++) {
            Fields c = Fields.of("manifest.classes[" + i + "]", arr.get(i), Set.of("index", "name"));
            classes.add(new ClassLabel(c.integer("index"), c.string("name")));
        }
        Fields s = f.object("spec", Set.of("channels", "height", "width", "valueMin", "valueMax"));
        ImageSpec spec = new ImageSpec(s.integer("channels"), s.integer("height"), s.integer("width"),
                (float) s.number("valueMin"), (float) s.number("valueMax"));
        SamplerParameters sampler = switch (kind) {
            case DIFFUSION -> {
                Fields d = f.object("sampler", Set.of("steps", "sigmaMin", "sigmaMax", "rho", "sigmaData"));
                yield new DiffusionSampling(d.integer("steps"), d.number("sigmaMin"), d.number("sigmaMax"),
                        d.number("rho"), d.number("sigmaData"));
            }
            case DECODER -> new DecoderSampling(f.object("sampler", Set.of("latentDim")).integer("latentDim"));
            case LATENT_DIFFUSION -> {
                Fields d = f.object("sampler", Set.of("latentDim", "steps", "sigmaMin", "sigmaMax", "rho", "sigmaData"));
                yield new LatentDiffusionSampling(d.integer("latentDim"), new DiffusionSampling(d.integer("steps"),
                        d.number("sigmaMin"), d.number("sigmaMax"), d.number("rho"), d.number("sigmaData")));
            }
        };
        Fields p = f.object("provenance", Set.of("datasetSize", "examplesSeen", "epochs", "steps", "seed", "threads",
                "wallSeconds", "libraries", "hyperparameters"));
        TrainingProvenance provenance = new TrainingProvenance(p.longValue("datasetSize"), p.longValue("examplesSeen"),
                p.number("epochs"), p.longValue("steps"), p.longValue("seed"), p.integer("threads"),
                p.number("wallSeconds"), p.stringMap("libraries"), p.stringMap("hyperparameters"));
        return new ModuleManifest(kind, classes, spec, sampler, provenance, f.string("siteId"), f.string("moduleId"));
    }

    private static JsonObject parse(String json) {
        try {
            JsonReader reader = new JsonReader(new StringReader(json));
            reader.setStrictness(Strictness.STRICT);
            JsonElement root = JsonParser.parseReader(reader);
            boolean trailing;
            try {
                trailing = reader.peek() != JsonToken.END_DOCUMENT;
            } catch (IOException e) {
                trailing = true;
            }
            if (trailing) {
                throw new IllegalArgumentException("manifest JSON has trailing content after the top-level object");
            }
            if (!root.isJsonObject()) {
                throw new IllegalArgumentException("manifest JSON must be an object, got " + root);
            }
            return root.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("manifest JSON is malformed: " + e.getMessage(), e);
        }
    }

    /** Typed access to one JSON object's fields, with the object's path in every error. */
    private record Fields(String path, JsonObject obj) {

        Fields(String path, JsonObject obj, Set<String> allowed) {
            this(path, obj);
            for (String key : obj.keySet()) {
                if (!allowed.contains(key)) {
                    throw new IllegalArgumentException(path + "." + key + " is not a known field (known: "
                            + new java.util.TreeSet<>(allowed) + ")");
                }
            }
        }

        static Fields of(String path, JsonElement e, Set<String> allowed) {
            if (e == null || !e.isJsonObject()) {
                throw new IllegalArgumentException(path + " must be an object, got " + e);
            }
            return new Fields(path, e.getAsJsonObject(), allowed);
        }

        private JsonElement get(String name) {
            JsonElement e = obj.get(name);
            if (e == null || e.isJsonNull()) {
                throw new IllegalArgumentException(path + "." + name + " is missing");
            }
            return e;
        }

        private JsonPrimitive primitive(String name, String what) {
            JsonElement e = get(name);
            if (!e.isJsonPrimitive()) {
                throw new IllegalArgumentException(path + "." + name + " must be " + what + ", got " + e);
            }
            return e.getAsJsonPrimitive();
        }

        String string(String name) {
            JsonPrimitive p = primitive(name, "a string");
            if (!p.isString()) throw new IllegalArgumentException(path + "." + name + " must be a string, got " + p);
            return p.getAsString();
        }

        double number(String name) {
            JsonPrimitive p = primitive(name, "a number");
            if (!p.isNumber()) throw new IllegalArgumentException(path + "." + name + " must be a number, got " + p);
            return p.getAsDouble();
        }

        long longValue(String name) {
            JsonPrimitive p = primitive(name, "an integer");
            if (!p.isNumber()) throw new IllegalArgumentException(path + "." + name + " must be an integer, got " + p);
            try {
                return new java.math.BigDecimal(p.getAsString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(path + "." + name + " must be an integer in the 64-bit range, got "
                        + p.getAsString());
            }
        }

        int integer(String name) {
            long v = longValue(name);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(path + "." + name + " must fit in 32 bits, got " + v);
            }
            return (int) v;
        }

        JsonArray array(String name) {
            JsonElement e = get(name);
            if (!e.isJsonArray()) throw new IllegalArgumentException(path + "." + name + " must be an array, got " + e);
            return e.getAsJsonArray();
        }

        Fields object(String name, Set<String> allowed) {
            return of(path + "." + name, get(name), allowed);
        }

        Map<String, String> stringMap(String name) {
            JsonElement e = get(name);
            if (!e.isJsonObject()) throw new IllegalArgumentException(path + "." + name + " must be an object, got " + e);
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
                JsonElement v = entry.getValue();
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                    throw new IllegalArgumentException(path + "." + name + "." + entry.getKey() + " must be a string, got " + v);
                }
                out.put(entry.getKey(), v.getAsString());
            }
            return out;
        }
    }
}
