package org.pgfence.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationCatalogTest {

    @Test
    void theBuiltInCatalogStartsAtVersionOneWithTheTablesTheAuditNeeds() {
        MigrationCatalog catalog = MigrationCatalog.builtIn();
        assertThat(catalog.migrations()).first().satisfies(m -> {
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.resource()).isEqualTo("V1__init.sql");
            assertThat(m.sql()).contains("CREATE TABLE promotion ", "CREATE TABLE promotion_event",
                    "CREATE TABLE ack", "CREATE TABLE agent", "CREATE TABLE remediation", "CREATE TABLE overdue",
                    "UNIQUE (cluster, system_identifier, timeline)");
        });
        assertThat(catalog.latestVersion()).isEqualTo(catalog.migrations().size());
    }

    @Test
    void fileNamesAreParsedIntoVersionAndDescription() {
        Migration m = Migration.parse("V12__add_overdue_index.sql", "SELECT 1");
        assertThat(m.version()).isEqualTo(12);
        assertThat(m.description()).isEqualTo("add overdue index");
    }

    @Test
    void illegalFileNamesAreRejectedByName() {
        for (String bad : List.of("V0__zero.sql", "1__init.sql", "V1_init.sql", "V1__init.txt", "V01__x.sql")) {
            assertThatThrownBy(() -> Migration.parse(bad, "")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }

    @Test
    void migrationsAreOrderedByNumericVersionNotByName() {
        MigrationCatalog c = new MigrationCatalog(List.of(m(10), m(2), m(1), m(3), m(4), m(5), m(6), m(7), m(8), m(9)));
        assertThat(c.migrations()).extracting(Migration::version).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(c.after(8)).extracting(Migration::version).containsExactly(9, 10);
        assertThat(c.after(10)).isEmpty();
    }

    @Test
    void gapsAndDuplicatesAreRejected() {
        assertThatThrownBy(() -> new MigrationCatalog(List.of(m(1), m(3))))
                .hasMessageContaining("V3__step.sql");
        assertThatThrownBy(() -> new MigrationCatalog(List.of(m(1), m(2), m(2))))
                .hasMessageContaining("without gaps or duplicates");
    }

    private static Migration m(int v) {
        return Migration.parse("V" + v + "__step.sql", "SELECT " + v);
    }
}
