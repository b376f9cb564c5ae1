package org.pgfence.events;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The contract is what producer, agents and auditor agree on, and nothing else (DESIGN "Modules"). */
class EventsArchitectureTest {
    private static final JavaClasses EVENTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.events");

    @Test
    void theContractSeesOnlyJavaJacksonAndKafkasSerdeApi() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pgfence.events..",
                        "com.fasterxml.jackson..", "org.apache.kafka.common.serialization..")
                .because("config binding, logging, clients and processes belong to pgfence-runtime, not to the contract")
                .check(EVENTS);
    }

    @Test
    void itsPackagesHaveNoCycles() {
        slices().matching("org.pgfence.(events)..").should().beFreeOfCycles().check(EVENTS);
        slices().matching("org.pgfence.events.(*)..").should().beFreeOfCycles().check(EVENTS);
    }
}
