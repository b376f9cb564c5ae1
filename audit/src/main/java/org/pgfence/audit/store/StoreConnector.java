package org.pgfence.audit.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.pgfence.audit.config.StoreSettings;

/** Opens JDBC connections to the audit store with bounded connect and socket timeouts. */
public final class StoreConnector {
    private final StoreSettings settings;
    private final Duration connectTimeout;
    private final Duration socketTimeout;

    public StoreConnector(StoreSettings settings, Duration connectTimeout, Duration socketTimeout) {
        this.settings = settings;
        this.connectTimeout = connectTimeout;
        this.socketTimeout = socketTimeout;
    }

    public static StoreConnector defaults(StoreSettings settings) {
        return new StoreConnector(settings, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    public Connection open() {
        Properties p = new Properties();
        if (settings.user() != null) {
            p.setProperty("user", settings.user());
        }
        if (settings.password().isSet()) {
            p.setProperty("password", settings.password().reveal());
        }
        p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        p.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
        p.setProperty("ApplicationName", "pgfence-audit");
        try {
            return DriverManager.getConnection(settings.jdbcUrl(), p);
        } catch (SQLException e) {
            throw StoreException.of("cannot connect to the audit store " + settings.maskedUrl()
                    + " as " + settings.user(), e);
        }
    }

    public String describe() {
        return settings.maskedUrl();
    }
}
