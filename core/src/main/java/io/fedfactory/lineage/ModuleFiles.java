package io.fedfactory.lineage;

import io.fedfactory.determinism.ContentHash;
import io.fedfactory.synthesis.ModuleSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A folder of module files, whatever their names: each file is known by its SHA-256, which is the id
 * of the module it holds, so an auditor can point at any copy of the modules.
 */
public final class ModuleFiles implements ModuleSource {

    private final Map<String, Path> byId;

    private ModuleFiles(Map<String, Path> byId) {
        this.byId = byId;
    }

    /** Hashes every regular file directly in {@code dir}. */
    public static ModuleFiles scan(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("module folder " + dir + " is not a directory");
        Map<String, Path> byId = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) byId.putIfAbsent(ContentHash.sha256Hex(f), f);
        }
        return new ModuleFiles(byId);
    }

    /** Module ids found, sorted. */
    public java.util.Set<String> ids() {
        return byId.keySet();
    }

    @Override
    public byte[] onnx(String moduleId) throws IOException {
        Path f = byId.get(moduleId);
        if (f == null) throw new IOException("no file in the module folder hashes to module " + moduleId);
        return Files.readAllBytes(f);
    }
}
