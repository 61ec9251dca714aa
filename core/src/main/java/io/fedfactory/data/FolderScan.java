package io.fedfactory.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link ImageFolder#scan} found in one folder tree: the images it accepted (labelled with the
 * federation's labels, in its order), the files it refused and why, and what it converted.
 *
 * @param data    the accepted images; possibly none
 * @param refused every file or folder not accepted, in path order
 * @param notes   conversions and ignored files, one line each (resized images, channels converted)
 * @param folders the folder each held label came from
 */
public record FolderScan(Dataset data, List<RefusedFile> refused, List<String> notes, Map<String, Path> folders) {

    public FolderScan {
        refused = List.copyOf(refused);
        notes = List.copyOf(notes);
        folders = Map.copyOf(folders);
    }
}
