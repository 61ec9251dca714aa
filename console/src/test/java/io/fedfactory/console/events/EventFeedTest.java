package io.fedfactory.console.events;

import io.fedfactory.console.login.Session;
import io.fedfactory.proto.v1.AuditRecord;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.EventHeader;
import io.fedfactory.proto.v1.FederationOpened;
import io.fedfactory.proto.v1.FederationSpec;
import io.fedfactory.proto.v1.LoginToken;
import io.fedfactory.proto.v1.ModuleManifest;
import io.fedfactory.proto.v1.ModuleAdmitted;
import io.fedfactory.proto.v1.ModuleRejected;
import io.fedfactory.proto.v1.TrainingProgress;
import io.fedfactory.security.Identity;
import io.fedfactory.security.Role;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events follow the API's roles: a site sees its federations and its own modules; the audit trail is the auditors'. */
class EventFeedTest {

    private final EventFeed feed = new EventFeed();

    private static Session as(Identity who) {
        return new Session("s", who, LoginToken.getDefaultInstance(), "c", Instant.MAX);
    }

    private static FeedEvent event(String id, String fed, Event.Builder e) {
        return FeedEvent.of(e.setHeader(EventHeader.newBuilder().setId(id).setFederationId(fed)).build(), 0);
    }

    @Test
    void aSiteSeesOnlyItsFederationsAndItsOwnModules() {
        List.of(
                event("1", "fed-a", Event.newBuilder().setFederationOpened(FederationOpened.newBuilder().setSpec(
                        FederationSpec.newBuilder().setFederationId("fed-a").addEnrolledSiteIds("site-00").addEnrolledSiteIds("site-01")))),
                event("2", "fed-b", Event.newBuilder().setFederationOpened(FederationOpened.newBuilder().setSpec(
                        FederationSpec.newBuilder().setFederationId("fed-b").addEnrolledSiteIds("site-01"))))).forEach(feed::accept);
        Session site = as(Identity.site("site-00"));
        Session coordinator = as(new Identity(Role.COORDINATOR, "coordinator"));
        Session auditor = as(new Identity(Role.AUDITOR, "auditor"));
        assertEquals(1, feed.federations(site).size());
        assertEquals(2, feed.federations(coordinator).size());

        FeedEvent own = event("3", "fed-a", Event.newBuilder().setModuleAdmitted(ModuleAdmitted.newBuilder()
                .setManifest(ModuleManifest.newBuilder().setSiteId("site-00"))));
        FeedEvent other = event("4", "fed-a", Event.newBuilder().setModuleRejected(ModuleRejected.newBuilder().setSiteId("site-01")));
        FeedEvent progress = event("5", "fed-a", Event.newBuilder().setTrainingProgress(TrainingProgress.newBuilder().setPercent(50)));
        FeedEvent elsewhere = event("6", "fed-b", Event.newBuilder().setTrainingProgress(TrainingProgress.newBuilder().setPercent(50)));
        FeedEvent audit = event("7", "fed-a", Event.newBuilder().setAuditRecord(AuditRecord.newBuilder().setActor("auditor:auditor")));
        assertTrue(feed.visible(own, site));
        assertFalse(feed.visible(other, site));
        assertTrue(feed.visible(progress, site));
        assertFalse(feed.visible(elsewhere, site));
        assertFalse(feed.visible(audit, site));
        assertFalse(feed.visible(audit, coordinator));
        assertTrue(feed.visible(audit, auditor));
        assertTrue(feed.visible(other, coordinator));
        assertEquals("module rejected from site-01: : ", other.line().substring(other.line().indexOf("module")));
    }

    @Test
    void aPageWhoseStreamClosedDoesNotStopTheFeedForTheOthers() {
        java.util.List<String> delivered = new java.util.ArrayList<>();
        int[] gone = {0};
        feed.listen(f -> {
            gone[0]++;
            throw new IllegalStateException("Already closed");
        });
        feed.listen(f -> delivered.add(f.event().getHeader().getId()));
        feed.accept(event("1", "fed-a", Event.newBuilder().setTrainingProgress(TrainingProgress.newBuilder().setPercent(10))));
        feed.accept(event("2", "fed-a", Event.newBuilder().setTrainingProgress(TrainingProgress.newBuilder().setPercent(20))));
        assertEquals(List.of("1", "2"), delivered);
        assertEquals(1, gone[0], "the closed stream is dropped after its first failure");
    }
}
