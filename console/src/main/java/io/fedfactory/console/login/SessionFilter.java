package io.fedfactory.console.login;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.util.Optional;

/**
 * Nothing but the login page (and its style sheet and script, static files) and health is served without a session: a page request
 * is sent to the login page, anything else (events, grids, forms, downloads) gets 401.
 */
public class SessionFilter {

    @Inject
    Sessions sessions;

    @Inject
    CurrentSession current;

    @ServerRequestFilter
    public Optional<Response> requireSession(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.equals("/login") || path.startsWith("/q/")) return Optional.empty();
        Cookie cookie = request.getCookies().get(Sessions.COOKIE);
        Optional<Session> s = sessions.find(cookie == null ? null : cookie.getValue());
        if (s.isPresent()) {
            current.set(s.get());
            return Optional.empty();
        }
        boolean page = request.getMethod().equals("GET") && request.getAcceptableMediaTypes().stream()
                .anyMatch(t -> t.isCompatible(MediaType.TEXT_HTML_TYPE) && !t.isWildcardType());
        if (page) return Optional.of(Response.seeOther(URI.create("/login")).build());
        return Optional.of(Response.status(401).type(MediaType.TEXT_PLAIN_TYPE)
                .entity("401: log in first (POST /login with a token from fedfactory-admin login-token)\n").build());
    }
}
