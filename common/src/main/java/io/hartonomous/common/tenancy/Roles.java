package io.hartonomous.common.tenancy;

/** The roles a token can carry in its {@code groups} claim (DESIGN.md "Tenancy and security"). */
public final class Roles {
    public static final String INGEST = "ingest";
    public static final String SEARCH = "search";
    public static final String ADMIN = "admin";
    /** Another service of the suite, calling on a tenant's behalf. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
