package org.pgfence.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Shapes the lab {@link LabExtension} builds for a test class. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface LabOptions {
    /** pgbouncer hosts beyond one per node. */
    int extraPgbouncers() default 0;

    /**
     * A broker of the lab's own (a child JVM at the lab's hub address, {@code Lab.stopBroker/startBroker})
     * instead of the test JVM's shared one: for tests that take Kafka down.
     */
    boolean ownBroker() default false;
}
