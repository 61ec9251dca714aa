package io.fedfactory.aggregator.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The aggregator's packages form no cycle (each package one capability, depending only "downwards"),
 * and the gRPC adapters in transport are used by no domain package.
 */
class PackageCyclesTest {

    private static final JavaClasses AGGREGATOR = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.fedfactory.aggregator");

    @Test
    void theRulesSeeTheWholeAggregator() {
        // An empty import would make every rule below pass without looking at anything.
        assertTrue(AGGREGATOR.contain("io.fedfactory.aggregator.training.TrainingPipeline"), "training imported");
        assertTrue(AGGREGATOR.contain("io.fedfactory.aggregator.transport.FederationAdminService"), "transport imported");
        long packages = AGGREGATOR.stream().map(c -> c.getPackageName()).distinct().count();
        assertTrue(packages >= 8, "aggregator packages imported: " + packages);
    }

    @Test
    void noCycleBetweenPackages() {
        // store.records holds the generated store messages: a part of store, not a package of its own.
        slices().matching("io.fedfactory.aggregator.(*)..").should().beFreeOfCycles().check(AGGREGATOR);
    }

    @Test
    void domainPackagesDoNotReachIntoTransport() {
        noClasses().that().resideOutsideOfPackage("io.fedfactory.aggregator.transport..")
                .should().dependOnClassesThat().resideInAPackage("io.fedfactory.aggregator.transport..")
                .check(AGGREGATOR);
    }
}
