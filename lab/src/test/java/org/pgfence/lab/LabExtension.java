package org.pgfence.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A fresh, real lab for each test class ({@code @ExtendWith(LabExtension.class)}, then take a {@link Lab}
 * parameter): built before the first test, torn down after the last. The Kafka broker is the JVM's
 * {@link TestKafka}. The lab's loopback net is {@code $PGFENCE_LAB_NET}, default {@value #TEST_NET}
 * (so a CLI lab on 127.0.0.x can stay up while tests run).
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    public static final String TEST_NET = "127.0.9";
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        LabSpec spec = spec(context.getRequiredTestClass());
        System.out.println("lab for " + context.getRequiredTestClass().getSimpleName() + " in " + spec.dir());
        context.getStore(NS).put(Thread.class, downOnExit(spec));
        context.getStore(NS).put(Lab.class, Lab.up(spec, System.out));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Lab lab = context.getStore(NS).remove(Lab.class, Lab.class);
        if (lab != null) {
            long start = System.nanoTime();
            lab.close();
            System.out.printf("lab for %s down in %d ms%n", context.getRequiredTestClass().getSimpleName(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        Thread hook = context.getStore(NS).remove(Thread.class, Thread.class);
        if (hook != null) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    /**
     * Takes the lab in {@code spec.dir()} down when the test JVM is stopped before the test's own teardown ran
     * (failsafe's forkedProcessTimeoutInSeconds, a Ctrl-C): no postmaster, repmgrd, pgbouncer, broker or agent of
     * a killed run stays on the lab's addresses. Returns the hook, for removeShutdownHook after a normal teardown.
     */
    public static Thread downOnExit(LabSpec spec) {
        Thread hook = new Thread(() -> Lab.down(spec), "lab-down-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get(Lab.class, Lab.class);
    }

    static LabSpec spec(Class<?> testClass) {
        Map<String, String> env = System.getenv();
        LabOptions options = testClass.getAnnotation(LabOptions.class);
        try {
            boolean ownBroker = options != null && options.ownBroker();
            return new LabSpec(env.getOrDefault("PGFENCE_LAB_NET", TEST_NET),
                    Files.createTempDirectory("pgfence-lab-" + testClass.getSimpleName() + "-"), 3,
                    options == null ? 0 : options.extraPgbouncers(),
                    ownBroker ? LabSpec.KafkaMode.PROCESS : LabSpec.KafkaMode.EXTERNAL,
                    ownBroker ? null : TestKafka.bootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
