package io.memstream.ingest.tenancy;

import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Creates an API key from the command line (scripts/up uses it for the development key):
 * {@code create --tenant T [--user U] [--label L]}. Connects with MEMSTREAM_DB_URL, _USER and
 * _PASSWORD; prints only the key.
 */
public final class ApiKeyTool {

    private ApiKeyTool() {}

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>();
        if (args.length == 0 || !args[0].equals("create") || args.length % 2 == 0) {
            usage();
        }
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        String tenant = options.get("--tenant");
        if (tenant == null || tenant.isBlank()) {
            usage();
        }
        DriverManagerDataSource db = new DriverManagerDataSource(
                env("MEMSTREAM_DB_URL", "jdbc:postgresql://localhost:15432/memstream"),
                env("MEMSTREAM_DB_USER", "memstream"),
                env("MEMSTREAM_DB_PASSWORD", "memstream"));
        try {
            System.out.println(new ApiKeys(new JdbcTemplate(db))
                    .create(tenant, options.get("--user"), options.getOrDefault("--label", "cli")));
        } catch (IllegalArgumentException e) {
            System.err.println("ApiKeyTool: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void usage() {
        System.err.println("usage: ApiKeyTool create --tenant TENANT [--user USER_ID] [--label LABEL]");
        System.exit(2);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
