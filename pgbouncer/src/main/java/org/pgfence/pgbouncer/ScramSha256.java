package org.pgfence.pgbouncer;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;
import com.ongres.scram.common.exception.ScramParseException;
import com.ongres.scram.common.exception.ScramServerErrorException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding, as PostgreSQL and
 * pgbouncer (auth_type scram-sha-256, over plain TCP) run it, on the maintained SCRAM library that pgjdbc itself uses
 * (com.ongres.scram), with PostgreSQL's password preparation (SASLprep, the raw password where SASLprep refuses it,
 * as the server does). The user name inside SCRAM is ignored: both servers take it from the startup packet. The
 * server's final signature is checked, so a server that does not know the password is not trusted either. What this
 * class adds: each failure becomes an authorization error (SQLSTATE 28000) that says what went wrong.
 */
final class ScramSha256 {
    static final String MECHANISM = "SCRAM-SHA-256";
    private final ScramClient client;
    private final boolean emptyPassword;
    private String first;
    private boolean proofSent;

    /** {@code user} goes into the messages only (RFC 5802's test vectors name one; PostgreSQL's clients send none). */
    ScramSha256(String user, String password, String clientNonce) {
        this(user, password, () -> clientNonce);
    }

    private ScramSha256(String user, String password, Supplier<String> nonce) {
        this.emptyPassword = password.isEmpty();
        var builder = ScramClient.builder().advertisedMechanisms(List.of(MECHANISM)).username(user)
                .password(emptyPassword ? new char[] {'-'} : password.toCharArray())
                .stringPreparation(StringPreparation.POSTGRESQL_PREPARATION);
        this.client = (nonce == null ? builder : builder.nonceSupplier(nonce)).build();
    }

    /**
     * An exchange with a fresh random nonce. The user name is {@code *}, as pgjdbc sends it: the library refuses an
     * empty one, and PostgreSQL and pgbouncer ignore it (they take the user from the startup packet).
     */
    static ScramSha256 start(String password) {
        return new ScramSha256("*", password, (Supplier<String>) null);
    }

    /** The client-first-message: no channel binding ("n,,"), then the bare part. */
    String clientFirst() {
        if (first == null) {
            first = client.clientFirstMessage().toString();
        }
        return first;
    }

    /** The client-final-message answering {@code serverFirst}, with the proof that we know the password. */
    String clientFinal(String serverFirst) throws SQLException {
        if (emptyPassword) {
            throw refused("the configured password is empty");
        }
        clientFirst();
        try {
            client.serverFirstMessage(serverFirst);
            String proof = client.clientFinalMessage().toString();
            proofSent = true;
            return proof;
        } catch (ScramParseException | IllegalArgumentException | IllegalStateException e) {
            throw refused("bad server-first-message '" + serverFirst + "': " + e.getMessage());
        }
    }

    /** Checks the server-final-message: the server proves it knows the password too. */
    void verifyServerFinal(String serverFinal) throws SQLException {
        if (!proofSent) {
            throw refused("unexpected server-final-message '" + serverFinal + "' before our proof");
        }
        try {
            client.serverFinalMessage(serverFinal);
        } catch (ScramServerErrorException e) {
            throw refused("the server ended the exchange: " + e.getServerError());
        } catch (ScramInvalidServerSignatureException e) {
            throw refused("the server's signature is wrong: it does not know the password");
        } catch (ScramParseException | IllegalArgumentException | IllegalStateException e) {
            throw refused("unexpected server-final-message '" + serverFinal + "': " + e.getMessage());
        }
    }

    private static SQLException refused(String why) {
        return new SQLInvalidAuthorizationSpecException("SCRAM-SHA-256 with pgbouncer failed: " + why, "28000");
    }
}
