package org.pgfence.audit.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class StoreExceptionTest {

    @Test
    void connectionFailuresAreUnavailableAuthIsPermanentTheRestIsOther() {
        assertThat(StoreException.classify("08001")).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(StoreException.classify("08006")).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(StoreException.classify("57P01")).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(StoreException.classify("3D000")).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(StoreException.classify(null)).isEqualTo(StoreException.Kind.UNAVAILABLE);
        assertThat(StoreException.classify("28P01")).isEqualTo(StoreException.Kind.AUTH);
        assertThat(StoreException.classify("23505")).isEqualTo(StoreException.Kind.OTHER);
        assertThat(StoreException.classify("42P01")).isEqualTo(StoreException.Kind.OTHER);
    }

    @Test
    void theMessageNamesTheOperationAndTheSqlState() {
        StoreException e = StoreException.of("store ack 1 of lab/pgb1", new SQLException("refused", "08001"));
        assertThat(e).hasMessage("store ack 1 of lab/pgb1: refused (SQLState 08001)");
    }
}
