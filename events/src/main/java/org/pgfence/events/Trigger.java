package org.pgfence.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** What made a promotion happen. The wire names are frozen. */
public enum Trigger {
    /** repmgrd's automatic failover ran promote_command, or raised repmgrd_failover_promote. */
    REPMGRD_FAILOVER("repmgrd-failover"),
    /** A {@code repmgr standby promote} seen through its standby_promote event. */
    STANDBY_PROMOTE("standby-promote"),
    /** A planned {@code repmgr standby switchover}. */
    SWITCHOVER("switchover"),
    /** Anything else, e.g. an operator running {@code pgfence promote} by hand. */
    MANUAL("manual");

    private final String wireName;

    Trigger(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Trigger fromWire(String value) {
        return Arrays.stream(values())
                .filter(t -> t.wireName.equals(value))
                .findFirst()
                .orElseThrow(() -> new InvalidEventException("trigger", "unknown value '" + value
                        + "', expected one of " + Arrays.stream(values()).map(Trigger::wireName).toList()));
    }

    @Override
    public String toString() {
        return wireName.toLowerCase(Locale.ROOT);
    }
}
