package io.fedfactory.aggregator.training;

import io.fedfactory.lineage.LineageRecord;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The git commit this aggregator was built from, as the build stamped it (git-commit-id-maven-plugin). */
public final class CodeVersion {

    /** Where the build writes the commit. */
    static final String RESOURCE = "/fedfactory-git.properties";

    private static final String VALUE = read();

    private CodeVersion() {
    }

    /** The commit id, with "-dirty" when built from uncommitted changes; "unknown" outside a git checkout. */
    public static String get() {
        return VALUE;
    }

    private static String read() {
        try (InputStream in = CodeVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) return LineageRecord.UNKNOWN_CODE;
            Properties p = new Properties();
            p.load(in);
            String commit = p.getProperty("git.commit.id", "").trim();
            if (commit.isEmpty() || commit.startsWith("${")) return LineageRecord.UNKNOWN_CODE;
            return "true".equals(p.getProperty("git.dirty", "false").trim()) ? commit + "-dirty" : commit;
        } catch (IOException e) {
            return LineageRecord.UNKNOWN_CODE;
        }
    }
}
