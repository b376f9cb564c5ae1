package org.pgfence.audit.config;

import java.util.Objects;

/** The PostgreSQL database that holds the audit record. The password is a {@link Secret}. */
public record StoreSettings(String jdbcUrl, String user, Secret password) {

    public StoreSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        password = password == null ? Secret.none() : password;
    }

    /** The URL as it may be logged: a {@code password=} query parameter is masked. */
    public String maskedUrl() {
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "StoreSettings[jdbcUrl=" + maskedUrl() + ", user=" + user + ", password=" + password + "]";
    }
}
