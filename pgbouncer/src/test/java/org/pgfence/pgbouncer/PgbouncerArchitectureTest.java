package org.pgfence.pgbouncer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class PgbouncerArchitectureTest {
    private static final JavaClasses PGBOUNCER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.pgfence.pgbouncer");

    @Test
    void theConsoleClientStandsOnTheJdkAndItsScramLibraryOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "org.pgfence.pgbouncer..",
                        "com.ongres.scram..")
                .because("the agent and the lab share this client; it may not pull either of them, nor pgjdbc, in")
                .check(PGBOUNCER);
    }

    @Test
    void itsPackagesHaveNoCycles() {
        slices().matching("org.pgfence.(*)..").should().beFreeOfCycles().check(PGBOUNCER);
    }
}
