package io.fedfactory.inference.catalog;

import io.fedfactory.proto.v1.ModelVersionInfo;

import java.util.Comparator;

/**
 * Orders model versions of one federation from oldest to newest. Version ids are "<federation>-v<n>",
 * so the number decides; a plain string comparison would put "-v10" before "-v9". Ids that do not
 * follow the pattern fall back to the publication time, then the id.
 */
public final class VersionOrder {

    public static final Comparator<ModelVersionInfo> OLDEST_FIRST = VersionOrder::compare;

    private VersionOrder() {}

    public static int compare(ModelVersionInfo a, ModelVersionInfo b) {
        long na = number(a.getVersion());
        long nb = number(b.getVersion());
        if (na >= 0 && nb >= 0 && na != nb) {
            return Long.compare(na, nb);
        }
        int byTime = a.getPublishedAt().compareTo(b.getPublishedAt());
        return byTime != 0 ? byTime : a.getVersion().compareTo(b.getVersion());
    }

    /** True when {@code candidate} comes after {@code reference}. */
    public static boolean newer(ModelVersionInfo candidate, ModelVersionInfo reference) {
        return compare(candidate, reference) > 0;
    }

    /** The n of "...-v<n>", or -1 when the id does not end that way. */
    static long number(String version) {
        int at = version.lastIndexOf("-v");
        if (at < 0 || at + 2 == version.length() || version.length() - at > 20) {
            return -1;
        }
        for (int i = at + 2; i < version.length(); i++) {
            if (!Character.isDigit(version.charAt(i))) return -1;
        }
        return Long.parseLong(version.substring(at + 2));
    }
}
