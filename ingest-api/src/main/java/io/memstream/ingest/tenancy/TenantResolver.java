package io.memstream.ingest.tenancy;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The caller of the current request, as {@link ApiKeyFilter} established it from the credential. */
@Component
public class TenantResolver {

    static final String ATTRIBUTE = Caller.class.getName();

    public Caller current() {
        RequestAttributes request = RequestContextHolder.currentRequestAttributes();
        Caller caller = (Caller) request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            throw new IllegalStateException("no caller: the request did not pass the API key filter");
        }
        return caller;
    }
}
