package org.pgfence.lab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The design's one-way dependencies, checked on the compiled production classes of every module. */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importAll() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.pgfence");
    }

    @Test
    void eventsDependsOnNothingOfOurs() {
        noClasses().that().resideInAnyPackage("org.pgfence.events..", "org.pgfence.process..", "org.pgfence.libpq..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..", "org.pgfence.consumer..",
                        "org.pgfence.audit..", "org.pgfence.cli..", "org.pgfence.lab..")
                .because("events is the contract: put shared code there only if it is part of the contract")
                .check(classes);
    }

    @Test
    void producerConsumerAndAuditNeverImportEachOther() {
        noClasses().that().resideInAPackage("org.pgfence.producer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pgfence.consumer..", "org.pgfence.audit..")
                .because("deployables talk through Kafka; move what they share into events").check(classes);
        noClasses().that().resideInAPackage("org.pgfence.consumer..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..", "org.pgfence.audit..")
                .because("deployables talk through Kafka; move what they share into events").check(classes);
        noClasses().that().resideInAPackage("org.pgfence.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..", "org.pgfence.consumer..")
                .because("deployables talk through Kafka; the auditor renders a host's ini by running that host's "
                        + "own 'pgfence render' over SSH").check(classes);
    }

    @Test
    void nothingInProductionImportsTheLab() {
        noClasses().that().resideOutsideOfPackage("org.pgfence.lab..")
                .should().dependOnClassesThat().resideInAPackage("org.pgfence.lab..")
                .because("the lab is a test environment; production code must run without it (the CLI finds lab "
                        + "commands through ServiceLoader)").check(classes);
    }

    @Test
    void jschLivesInOnePackage() {
        noClasses().that().resideOutsideOfPackages("org.pgfence.audit.ssh..", "org.pgfence.lab..")
                .should().dependOnClassesThat().resideInAPackage("com.jcraft.jsch..")
                .because("SSH is one concern: keep JSch behind org.pgfence.audit.ssh").check(classes);
    }

    @Test
    void auditStoreJdbcLivesInOnePackage() {
        noClasses().that().resideInAPackage("org.pgfence.audit..")
                .and().resideOutsideOfPackages("org.pgfence.audit.store..", "org.pgfence.audit.pgbouncer..")
                .should().dependOnClassesThat().resideInAPackage("java.sql..")
                .because("all JDBC to the audit store goes through org.pgfence.audit.store").check(classes);
    }

    @Test
    void theLabsPackagesHaveNoCycles() {
        // the lab's root package (Lab, its nodes, pgbouncers and CLI) is what every drill, bench and campaign
        // stands on; they never stand on each other in a circle
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String pkg = c.getPackageName();
                if (!pkg.startsWith("org.pgfence.lab")) {
                    return SliceIdentifier.ignore();
                }
                String rest = pkg.substring("org.pgfence.lab".length());
                return SliceIdentifier.of(rest.isEmpty() ? "lab" : "lab." + rest.substring(1).split("\\.")[0]);
            }

            @Override
            public String getDescription() {
                return "the lab's root package and each of its subpackages";
            }
        }).should().beFreeOfCycles().check(classes);
    }
}
