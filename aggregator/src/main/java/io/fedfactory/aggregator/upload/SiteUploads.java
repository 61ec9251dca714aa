package io.fedfactory.aggregator.upload;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Uploads being received per site, so one site cannot hold every worker thread and disk stream. An
 * upload counts from its accepted header until its stream ends (completed, refused or dropped).
 */
final class SiteUploads {

    private final ConcurrentHashMap<String, Integer> perSite = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> siteOfUpload = new ConcurrentHashMap<>();

    /** True if the site had fewer than {@code max} uploads in flight; the upload now counts. */
    synchronized boolean acquire(String site, String uploadId, int max) {
        if (siteOfUpload.containsKey(uploadId)) return true;
        int n = perSite.getOrDefault(site, 0);
        if (n >= max) return false;
        perSite.put(site, n + 1);
        siteOfUpload.put(uploadId, site);
        return true;
    }

    /** Ends an upload's count; a second release of the same upload does nothing. */
    synchronized void release(String uploadId) {
        String site = siteOfUpload.remove(uploadId);
        if (site == null) return;
        perSite.computeIfPresent(site, (s, n) -> n <= 1 ? null : n - 1);
    }
}
