package org.pgfence.audit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    private static final JavaClasses AUDIT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.audit");

    @Test
    void jschLivesOnlyInTheSshPackage() {
        noClasses().that().resideOutsideOfPackage("org.pgfence.audit.ssh..")
                .should().dependOnClassesThat().resideInAPackage("com.jcraft.jsch..")
                .because("all SSH goes through org.pgfence.audit.ssh; add what you need to SshSession there")
                .check(AUDIT);
    }

    @Test
    void jdbcLivesOnlyInTheStorePackage() {
        noClasses().that().resideOutsideOfPackages("org.pgfence.audit.store..")
                .should().dependOnClassesThat().resideInAPackage("java.sql..")
                .because("the audit store is reached through org.pgfence.audit.store only (the auditor has no"
                        + " pgbouncer console of its own: a repair runs `pgfence apply` on the host); add a method there")
                .check(AUDIT);
    }

    @Test
    void trackingIsPureLogic() {
        classes().that().resideInAPackage("org.pgfence.audit.tracking..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.pgfence.audit.tracking..",
                        "org.pgfence.events")
                .because("completion and overdue decisions must stay testable without Kafka, JDBC or a clock")
                .check(AUDIT);
    }

    @Test
    void auditNeverImportsTheOtherDeployablesOrTheLab() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.pgfence.producer..",
                        "org.pgfence.consumer..", "org.pgfence.lab..", "org.pgfence.cli..")
                .because("producer, consumer and audit share only the events contract")
                .check(AUDIT);
    }

    @Test
    void itsPackagesHaveNoCycles() {
        slices().matching("org.pgfence.audit.(*)..").should().beFreeOfCycles().check(AUDIT);
    }
}
