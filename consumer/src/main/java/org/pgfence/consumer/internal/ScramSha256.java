package org.pgfence.consumer.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.text.Normalizer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) without channel binding, as PostgreSQL and
 * pgbouncer (auth_type scram-sha-256, over plain TCP) run it. The user name inside SCRAM is empty: both servers take
 * it from the startup packet. The password gets SASLprep's normalization (NFKC); an ASCII password is unchanged.
 * The server's final signature is checked, so a server that does not know the password is not trusted either.
 */
final class ScramSha256 {
    static final String MECHANISM = "SCRAM-SHA-256";
    private static final int MIN_ITERATIONS = 1;
    private static final int NONCE_BYTES = 18;
    private final byte[] password;
    private final String clientNonce;
    private final String clientFirstBare;
    private byte[] serverSignature;

    /** {@code user} goes into the messages only (RFC 5802's test vectors name one; PostgreSQL's clients send none). */
    ScramSha256(String user, String password, String clientNonce) {
        this.password = Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + user + ",r=" + clientNonce;
    }

    /** An exchange with a fresh random nonce. */
    static ScramSha256 start(String password) {
        byte[] nonce = new byte[NONCE_BYTES];
        new SecureRandom().nextBytes(nonce);
        return new ScramSha256("", password, Base64.getEncoder().encodeToString(nonce));
    }

    /** The client-first-message: no channel binding ("n,,"), then the bare part. */
    String clientFirst() {
        return "n,," + clientFirstBare;
    }

    /** The client-final-message answering {@code serverFirst}, with the proof that we know the password. */
    String clientFinal(String serverFirst) throws SQLException {
        if (password.length == 0) {
            throw refused("the configured password is empty");
        }
        Map<String, String> fields = fields(serverFirst);
        String nonce = fields.get("r");
        String salt = fields.get("s");
        String iterations = fields.get("i");
        if (nonce == null || salt == null || iterations == null) {
            throw refused("server-first-message lacks r, s or i: '" + serverFirst + "'");
        }
        if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length()) {
            throw refused("the server's nonce does not extend ours");
        }
        int rounds;
        byte[] saltBytes;
        try {
            rounds = Integer.parseInt(iterations);
            saltBytes = Base64.getDecoder().decode(salt);
        } catch (IllegalArgumentException e) {
            throw refused("server-first-message has a bad salt or iteration count: '" + serverFirst + "'");
        }
        if (rounds < MIN_ITERATIONS) {
            throw refused("iteration count " + rounds + " in the server-first-message");
        }
        String withoutProof = "c=biws,r=" + nonce;
        byte[] authMessage = String.join(",", clientFirstBare, serverFirst, withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] salted = saltedPassword(saltBytes, rounds);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.UTF_8));
        byte[] clientSignature = hmac(sha256(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        serverSignature = hmac(hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8)), authMessage);
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Checks the server-final-message: the server proves it knows the password too. */
    void verifyServerFinal(String serverFinal) throws SQLException {
        Map<String, String> fields = fields(serverFinal);
        if (fields.containsKey("e")) {
            throw refused("the server ended the exchange: " + fields.get("e"));
        }
        String v = fields.get("v");
        if (serverSignature == null || v == null) {
            throw refused("unexpected server-final-message '" + serverFinal + "'");
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw refused("server-final-message has a bad signature encoding");
        }
        if (!MessageDigest.isEqual(claimed, serverSignature)) {
            throw refused("the server's signature is wrong: it does not know the password");
        }
    }

    /** Hi() of RFC 5802: PBKDF2 with HMAC-SHA-256, one block, over the password's bytes. */
    private byte[] saltedPassword(byte[] salt, int rounds) {
        Mac mac = mac(password);
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] result = u.clone();
        for (int i = 1; i < rounds; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < result.length; j++) {
                result[j] ^= u[j];
            }
        }
        return result;
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        return mac(key).doFinal(data);
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Map<String, String> fields(String message) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(1) == '=') {
                out.putIfAbsent(part.substring(0, 1), part.substring(2));
            }
        }
        return out;
    }

    private static SQLException refused(String why) {
        return new SQLInvalidAuthorizationSpecException("SCRAM-SHA-256 with pgbouncer failed: " + why, "28000");
    }
}
