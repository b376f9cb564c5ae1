package org.pgfence.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The SCRAM-SHA-256 exchange of RFC 7677 section 3, byte for byte, and what must make it fail, each as an
 * authorization error that says why (the exchange itself is com.ongres.scram's).
 */
class ScramSha256Test {
    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SERVER_FIRST = "r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=" + SERVER_NONCE
            + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    private static ScramSha256 rfc() {
        return new ScramSha256("user", "pencil", CLIENT_NONCE);
    }

    @Test
    void theRfcExchange() throws SQLException {
        ScramSha256 scram = rfc();
        assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=" + CLIENT_NONCE);
        assertThat(scram.clientFinal(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
        scram.verifyServerFinal(SERVER_FINAL);
    }

    @Test
    void postgresClientsSendAnIgnoredUserNameAndAFreshNonce() {
        ScramSha256 a = ScramSha256.start("pencil");
        ScramSha256 b = ScramSha256.start("pencil");
        assertThat(a.clientFirst()).matches("n,,n=\\*,r=[\\x21-\\x2b\\x2d-\\x7e]{24}"); // printable, no comma
        assertThat(a.clientFirst()).isNotEqualTo(b.clientFirst());
    }

    @Test
    void aServerThatDoesNotKnowThePasswordIsRefused() throws SQLException {
        assertFinalRefused("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "signature is wrong");
    }

    @Test
    void aServerErrorIsReportedWithItsReason() throws SQLException {
        assertFinalRefused("e=invalid-proof", "invalid-proof");
    }

    private static void assertFinalRefused(String serverFinal, String reason) throws SQLException {
        ScramSha256 scram = rfc();
        scram.clientFinal(SERVER_FIRST);
        assertThatThrownBy(() -> scram.verifyServerFinal(serverFinal)).isInstanceOf(SQLException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aNonceThatDoesNotExtendOursIsRefused() {
        assertThatThrownBy(() -> rfc().clientFinal("r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isInstanceOf(SQLException.class).hasMessageContainingAll("bad server-first-message", "once");
        assertThatThrownBy(() -> rfc().clientFinal("r=" + CLIENT_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
                .isInstanceOf(SQLException.class).hasMessageContainingAll("bad server-first-message", "serverNonce");
    }

    @Test
    void aBadServerFirstMessageIsNamed() {
        assertThatThrownBy(() -> rfc().clientFinal("r=" + SERVER_NONCE + ",i=4096"))
                .isInstanceOf(SQLException.class).hasMessageContainingAll("bad server-first-message", "salt");
        assertThatThrownBy(() -> rfc().clientFinal("r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=many"))
                .isInstanceOf(SQLException.class).hasMessageContainingAll("bad server-first-message", "iteration");
        assertThatThrownBy(() -> rfc().clientFinal("r=" + SERVER_NONCE + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0"))
                .isInstanceOf(SQLException.class).hasMessageContainingAll("bad server-first-message", "i=0");
    }

    @Test
    void aFinalMessageBeforeTheProofIsRefused() {
        assertThatThrownBy(() -> rfc().verifyServerFinal(SERVER_FINAL))
                .isInstanceOf(SQLException.class).hasMessageContaining("unexpected");
    }

    @Test
    void anEmptyPasswordIsRefusedBeforeAnythingIsComputed() {
        assertThatThrownBy(() -> new ScramSha256("user", "", CLIENT_NONCE).clientFinal(SERVER_FIRST))
                .isInstanceOf(SQLException.class).hasMessageContaining("empty");
    }
}
