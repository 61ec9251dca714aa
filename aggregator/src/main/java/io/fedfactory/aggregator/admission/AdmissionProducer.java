package io.fedfactory.aggregator.admission;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The application's {@link ModuleAdmission}, configured from {@code fedfactory.admission.*}. */
@ApplicationScoped
public class AdmissionProducer {

    @ConfigProperty(name = "fedfactory.admission.max-concurrent", defaultValue = "2")
    int maxConcurrent;

    @Produces
    @Singleton
    ModuleAdmission admission() {
        return new ModuleAdmission(maxConcurrent);
    }
}
