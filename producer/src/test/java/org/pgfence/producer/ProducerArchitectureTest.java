package org.pgfence.producer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

class ProducerArchitectureTest {
    private static final JavaClasses PRODUCER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.producer");

    /** org.pgfence.producer itself is a slice too: a cycle through its root (the commands) counts. */
    private static final SliceAssignment TOP_LEVEL_PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            if (!c.getPackageName().startsWith("org.pgfence.producer")) {
                return SliceIdentifier.ignore();
            }
            String rest = c.getPackageName().substring("org.pgfence.producer".length());
            return SliceIdentifier.of(rest.isEmpty() ? "(root)" : rest.substring(1).split("\\.")[0]);
        }

        @Override
        public String getDescription() {
            return "org.pgfence.producer and each of its top-level subpackages";
        }
    };

    @Test
    void conceptPackagesHaveNoCycles() {
        slices().assignedFrom(TOP_LEVEL_PACKAGES).should().beFreeOfCycles()
                .because("a cycle means a type lives in the wrong concept package; move it to the package that uses it")
                .check(PRODUCER);
    }

    @Test
    void theProducerNeverImportsOtherDeployablesOrTheLab() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.pgfence.consumer..", "org.pgfence.audit..",
                        "org.pgfence.lab..", "org.pgfence.cli..")
                .because("producer, consumer and audit are separate deployables; share only through events and runtime")
                .check(PRODUCER);
    }
}
