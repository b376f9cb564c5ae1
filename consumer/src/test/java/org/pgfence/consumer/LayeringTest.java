package org.pgfence.consumer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class LayeringTest {
    private static final JavaClasses CONSUMER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.consumer");

    @Test
    void conceptPackagesHaveNoCycles() {
        slices().matching("org.pgfence.consumer.(*)..").should().beFreeOfCycles()
                .because("a cycle means a type lives in the wrong concept package; move it to the package that uses it")
                .check(CONSUMER);
    }

    @Test
    void theConsumerNeverImportsOtherDeployablesOrTheLab() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..", "org.pgfence.audit..",
                "org.pgfence.lab..", "org.pgfence.cli..")
                .because("producer, consumer and audit are separate deployables; share only through events and runtime")
                .check(CONSUMER);
    }

    @Test
    void theDecisionIsPure() {
        noClasses().that().resideInAPackage("org.pgfence.consumer.decision..").should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "java.nio.file..", "java.net..", "org.apache.kafka..",
                        "java.time.Clock")
                .because("the decision is a pure function of DecisionInput: pass data in, keep I/O in discovery")
                .check(CONSUMER);
    }

    @Test
    void jdbcStaysInDiscovery() {
        noClasses().that().resideOutsideOfPackages("org.pgfence.consumer.discovery..",
                        "org.pgfence.consumer.pgbouncer..", "org.pgfence.consumer.internal..")
                .should().dependOnClassesThat().resideInAPackage("org.postgresql..")
                .because("PostgreSQL access belongs to discovery (nodes) and pgbouncer (admin console)")
                .check(CONSUMER);
    }
}
