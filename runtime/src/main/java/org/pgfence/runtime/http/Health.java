package org.pgfence.runtime.http;

import java.util.List;

/**
 * What a daemon's {@code /health} answers: 200 and "ok" when every check passes, else 503 and one line per failed
 * check, so a load balancer, systemd's watchdog script or Kubernetes can act on the status code alone.
 */
public record Health(List<String> problems) {
    public Health {
        problems = List.copyOf(problems);
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public String text() {
        return ok() ? "ok\n" : String.join("\n", problems) + "\n";
    }
}
