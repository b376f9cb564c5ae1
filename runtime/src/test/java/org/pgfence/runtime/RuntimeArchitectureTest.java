package org.pgfence.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class RuntimeArchitectureTest {
    private static final JavaClasses RUNTIME = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.process", "org.pgfence.libpq", "org.pgfence.runtime");

    @Test
    void theRuntimeKnowsTheContractAndNoDeployable() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..",
                        "org.pgfence.consumer..", "org.pgfence.audit..", "org.pgfence.cli..", "org.pgfence.lab..")
                .because("every process builds on the runtime; the runtime builds on nothing but the contract")
                .check(RUNTIME);
    }

    @Test
    void itsPackagesHaveNoCycles() {
        slices().matching("org.pgfence.(*)..").should().beFreeOfCycles().check(RUNTIME);
    }
}
