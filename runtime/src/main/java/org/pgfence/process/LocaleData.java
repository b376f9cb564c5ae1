package org.pgfence.process;

import java.text.DecimalFormatSymbols;
import java.text.SimpleDateFormat;
import java.util.Calendar;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks up the JDK's locale data for the locales a pgfence process formats dates and numbers in, once, on the main
 * thread, before anything else: outside any class initialiser, and retried if it fails. JDK 17 has a race in its
 * locale cache (JDK-8289220; JDK 22 reworked the cache, JDK-8309622, and 17 keeps it): a {@code BaseLocale} it has
 * just built is held only softly, so a collection that clears soft references at that moment makes
 * {@code Locale.forLanguageTag} throw a NullPointerException. Under a class initialiser, as in Jackson's
 * StdDateFormat (it builds a SimpleDateFormat for Locale.US), that NPE leaves the class unusable for the JVM's life:
 * found with `pgfence bench --hosts 30`, three starts of four each had one agent of 30 that could never serialise an
 * event again. Once a lookup has succeeded, the JDK keeps the providers it found for that locale (strongly), so the
 * class initialisers that run later find them without the racy path. {@link FatalErrors} covers whatever still fails.
 */
public final class LocaleData {
    private static final Logger LOG = LoggerFactory.getLogger(LocaleData.class);
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
                LOG.warn("the JDK's locale data lookup failed (JDK-8289220, attempt {} of {}): {}", attempt, ATTEMPTS,
                        e.getMessage());
            }
        }
        return false;
    }

    /** What StdDateFormat and a Calendar look up, for the default locales, Locale.US and the root locale. */
    private static void lookUp() {
        Set<Locale> locales = new LinkedHashSet<>(Set.of(Locale.US, Locale.ROOT));
        locales.add(Locale.getDefault());
        locales.add(Locale.getDefault(Locale.Category.FORMAT));
        for (Locale l : locales) {
            Calendar.getInstance(TimeZone.getTimeZone("UTC"), l);
            new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSX", l);
            DecimalFormatSymbols.getInstance(l);
        }
    }
}
