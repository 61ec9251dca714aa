package io.fedfactory.aggregator.events;

import io.fedfactory.contracts.Topics;
import io.fedfactory.contracts.EventTypes;
import io.fedfactory.aggregator.store.AggregatorStore;
import io.fedfactory.aggregator.store.records.StoredModule;
import io.fedfactory.proto.v1.Event;
import io.fedfactory.proto.v1.ModuleAdmitted;
import io.fedfactory.proto.v1.ModuleRejected;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Announces module admissions (key: module id) and rejections (key: upload id) on the modules topic. */
@ApplicationScoped
public class ModuleEvents {

    @Inject
    EventPublisher events;

    @Inject
    AggregatorStore store;

    /** Publishes ModuleAdmitted for a durably stored module, then records the acknowledgement. */
    public void admitted(StoredModule module) {
        String id = module.getRecord().getModuleId();
        events.publish(Topics.MODULES, id, EventTypes.MODULE_ADMITTED, module.getFederationId(), Event.newBuilder()
                .setModuleAdmitted(ModuleAdmitted.newBuilder()
                        .setModuleId(id)
                        .setManifest(module.getRecord().getManifest())
                        .setSizeBytes(module.getRecord().getSizeBytes())
                        .addAllChecksPassed(module.getChecksPassedList())));
        store.markModuleAnnounced(id);
    }

    /** Publishes ModuleRejected; nothing of the upload is stored any more when this is called. */
    public void rejected(String uploadId, String federationId, String siteId, String failedCheck, String message) {
        events.publish(Topics.MODULES, uploadId, EventTypes.MODULE_REJECTED, federationId, Event.newBuilder()
                .setModuleRejected(ModuleRejected.newBuilder()
                        .setUploadId(uploadId)
                        .setSiteId(siteId)
                        .setFailedCheck(failedCheck)
                        .setMessage(message)));
    }
}
