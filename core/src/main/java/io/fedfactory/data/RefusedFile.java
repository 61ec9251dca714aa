package io.fedfactory.data;

import java.util.List;

/**
 * A file (or folder, or archive entry) of a site's data that was not accepted, and why. Every refusal
 * of a data set is collected before anything is trained, so that a site's engineer fixes them in one go.
 *
 * @param path the file as the site names it
 * @param why  what is wrong and what would be accepted
 */
public record RefusedFile(String path, String why) {

    /** The refusal a loader's exception describes: its source and its problem. */
    public static RefusedFile of(MalformedDataException e) {
        String message = e.getMessage();
        String prefix = e.source() + ": ";
        return new RefusedFile(e.source(), message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    /** "N files refused:" and one indented line per file, "path: why". */
    public static String describe(List<RefusedFile> refused) {
        StringBuilder s = new StringBuilder().append(refused.size()).append(refused.size() == 1 ? " file" : " files")
                .append(" refused:");
        for (RefusedFile r : refused) s.append("\n  ").append(r.path()).append(": ").append(r.why());
        return s.toString();
    }
}
