package org.pgfence.process;

import java.text.SimpleDateFormat;
import java.util.Calendar;
import java.util.Locale;
import java.util.TimeZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up the JDK's locale data that Jackson's date format needs, once, on the main thread, before anything else:
 * outside any class initialiser, and retried if it fails. JDK 17 has a race in its locale cache (JDK-8289220; JDK 22 reworked the cache, JDK-8309622, and 17 keeps it): a {@code BaseLocale} it has
 * just built is held only softly, so a collection that clears soft references at that moment makes
 * {@code Locale.forLanguageTag} throw a NullPointerException. Under a class initialiser, as in Jackson's
 * StdDateFormat (it builds a SimpleDateFormat for Locale.US), that NPE leaves the class unusable for the JVM's life:
 * found with `pgfence bench --hosts 30`, three starts of four each had one agent of 30 that could never serialise an
 * event again. Once a lookup has succeeded, the JDK keeps the providers it found for that locale (strongly), so the
 * class initialisers that run later find them without the racy path. {@link FatalErrors} covers whatever still fails.
 * The failover path (promote, notify) does not call it: it cost promote 56 ms before its promotion.
 */
public final class LocaleData {
    static final int ATTEMPTS = 5;

    private LocaleData() {
    }

    /** Returns whether a lookup completed (a process goes on either way: the race is rare, the lookups idempotent). */
    public static boolean prime() {
        return prime(LocaleData::lookUp);
    }

    static boolean prime(Runnable lookUp) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                lookUp.run();
                return true;
            } catch (NullPointerException e) {
                logger().warn("the JDK's locale data lookup failed (JDK-8289220, attempt {} of {}): {}", attempt,
                        ATTEMPTS, e.getMessage());
            }
        }
        return false;
    }

    /** Only on a failure: looking up a logger at start would initialise logging before the command does. */
    private static Logger logger() {
        return LoggerFactory.getLogger(LocaleData.class);
    }

    /**
     * What Jackson's StdDateFormat initialiser looks up, and nothing more: a SimpleDateFormat and a Calendar for
     * Locale.US in UTC. Measured in a cold JVM: 41 ms here, after which StdDateFormat takes 27 ms instead of 70, so
     * a process pays for them once. Looking up more locales as well (the default ones, ROOT, number symbols) had cost
     * promote ~115 ms more before its promotion.
     */
    private static void lookUp() {
        TimeZone utc = TimeZone.getTimeZone("UTC");
        new SimpleDateFormat("EEE, dd MMM yyyy HH:mm:ss zzz", Locale.US).setTimeZone(utc);
        Calendar.getInstance(utc, Locale.US);
    }
}
