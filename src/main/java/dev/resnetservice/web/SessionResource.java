package dev.resnetservice.web;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * POST /session (with the token, like every POST): sets the read cookie the web page's event
 * streams and download links need when reads are guarded. Without a token configured it sets none.
 */
@Path("/session")
public class SessionResource {

    private final ReadSession session;

    public SessionResource(ReadSession session) {
        this.session = session;
    }

    @POST
    @APIResponse(responseCode = "204", description = "the read cookie is set (HttpOnly, SameSite=Strict)")
    public Response open() {
        Response.ResponseBuilder answer = Response.noContent();
        session.cookie().ifPresent(answer::cookie);
        return answer.build();
    }
}
