package io.memstream.ingest.erasure;

import io.memstream.ingest.tenancy.TenantResolver;
import io.memstream.ingest.web.Identifier;
import jakarta.validation.constraints.NotBlank;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** DELETE /v1/users/{user_id}: the right to be forgotten. */
@RestController
class ErasureController {

    private final UserErasure erasure;
    private final TenantResolver tenants;

    ErasureController(UserErasure erasure, TenantResolver tenants) {
        this.erasure = erasure;
        this.tenants = tenants;
    }

    @DeleteMapping("/v1/users/{user_id}")
    Map<String, Object> erase(@PathVariable("user_id") @NotBlank @Identifier String userId) {
        var caller = tenants.current();
        return erasure.erase(caller.tenant(), caller.userId(userId));
    }
}
