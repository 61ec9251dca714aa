package io.fedfactory.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a participant may do, carried as the organizational unit (OU) of its certificate's subject.
 */
public enum Role {
    /** A hospital: uploads modules for its own site id, reports its own metrics, downloads models. */
    SITE,
    /** Runs the federation: creates it, closes it, starts training. */
    COORDINATOR,
    /** Verifies unlearning: deletes modules and sites, reads certificates. */
    AUDITOR,
    /** Calls the inference service. */
    APPLICATION,
    /** One of the federation's own services (the inference service fetching models, for example). */
    SERVICE;

    /** The subject's OU value: the lower-case name. */
    public String unit() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an OU value; the error lists the accepted values. */
    public static Role fromUnit(String unit) {
        for (Role r : values()) {
            if (r.unit().equals(unit)) return r;
        }
        throw new IllegalArgumentException("certificate subject OU '" + unit + "' is not a role; expected one of "
                + Arrays.stream(values()).map(Role::unit).collect(Collectors.joining(", ")));
    }
}
