package io.memstream.common.events;

/** Every event has a namespace; a client that names none means this one. */
public final class Namespaces {

    public static final String DEFAULT = "default";

    private Namespaces() {}

    public static String orDefault(String namespace) {
        return namespace == null || namespace.isBlank() ? DEFAULT : namespace;
    }
}
