package io.fedfactory.deploy.local;

import io.fedfactory.proto.v1.FederationAdminGrpc;
import io.fedfactory.proto.v1.ListModulesRequest;
import io.fedfactory.proto.v1.MemorizationReport;
import io.fedfactory.proto.v1.ModuleRecord;
import io.fedfactory.proto.v1.PrivacyPolicy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The local run's privacy policy, and every admitted module's audit verdict as the aggregator holds it. */
final class SitePrivacy {

    static final double DELTA = 1e-5;

    /** Report required with copy rate at most {@code maxCopyRate} (negative: none); DP at {@code maxEpsilon} if >= 0. */
    static PrivacyPolicy policy(double maxCopyRate, double maxEpsilon) {
        PrivacyPolicy.Builder p = PrivacyPolicy.newBuilder();
        if (maxCopyRate >= 0) p.setRequireMemorizationReport(true).setMaxCopyRate(maxCopyRate);
        if (maxEpsilon >= 0) p.setMaxEpsilon(maxEpsilon).setDelta(DELTA);
        return p.build();
    }

    static String describe(PrivacyPolicy p) {
        if (!p.getRequireMemorizationReport() && !p.hasMaxEpsilon()) return "none";
        StringBuilder s = new StringBuilder();
        if (p.getRequireMemorizationReport()) {
            s.append(String.format(Locale.ROOT, "memorization report required, passed, copy rate <= %.3f", p.getMaxCopyRate()));
        }
        if (p.hasMaxEpsilon()) {
            if (s.length() > 0) s.append("; ");
            s.append(String.format(Locale.ROOT, "DP-SGD required, epsilon <= %.2f at delta %.0e", p.getMaxEpsilon(), p.getDelta()));
        }
        return s.append(" (admission check privacy_policy)").toString();
    }

    /** Prints each admitted module's verdict and epsilon, and returns them by module for the summary. */
    static Map<String, Object> verdicts(FederationAdminGrpc.FederationAdminBlockingStub admin, String fed, SiteRuns.Say say) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ModuleRecord r : admin.withDeadlineAfter(30, TimeUnit.SECONDS)
                .listModules(ListModulesRequest.newBuilder().setFederationId(fed).build()).getModulesList()) {
            var m = r.getManifest();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("site", m.getSiteId());
            entry.put("classes", m.getClassesList());
            String verdict = "not audited";
            if (m.hasMemorization()) {
                MemorizationReport a = m.getMemorization();
                verdict = a.getFlagged() ? "FLAGGED" : "PASS";
                entry.put("copy_rate_pixel", a.getPixel().getCopyRate());
                entry.put("copy_rate_feature", a.getFeature().getCopyRate());
                entry.put("nearer_training_share_pixel", a.getPixel().getNearerTrainingShare());
                entry.put("nearer_training_share_feature", a.getFeature().getNearerTrainingShare());
                entry.put("zu_feature", a.getFeature().getZu());
                entry.put("audit_seconds", a.getWallSeconds());
            }
            entry.put("verdict", verdict);
            String dp = "no DP";
            if (m.getProvenance().hasDifferentialPrivacy()) {
                var g = m.getProvenance().getDifferentialPrivacy();
                entry.put("epsilon", g.getEpsilon());
                entry.put("delta", g.getDelta());
                dp = String.format(Locale.ROOT, "epsilon %.2f at delta %.0e", g.getEpsilon(), g.getDelta());
            }
            say.say("site %s, module %s %s: memorization audit %s (copy rate pixel %.3f, feature %.3f; nearer-training "
                            + "share pixel %.2f, feature %.2f), %s",
                    m.getSiteId(), r.getModuleId().substring(0, 12), m.getClassesList(), verdict,
                    m.getMemorization().getPixel().getCopyRate(), m.getMemorization().getFeature().getCopyRate(),
                    m.getMemorization().getPixel().getNearerTrainingShare(),
                    m.getMemorization().getFeature().getNearerTrainingShare(), dp);
            out.put(r.getModuleId(), entry);
        }
        return out;
    }

    private SitePrivacy() {
    }
}
